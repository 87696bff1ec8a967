/**
 * The evidence packet (DESIGN.md §4): what Stripe receives for one dispute. Text fields within
 * Stripe's character limits, and PDFs — service documentation, receipt, policies, customer
 * communication — within the file budget (4.5 MB together, 19 pages for Mastercard, 49
 * otherwise), one file per field, never one file on two fields.
 *
 * Pure apart from CPU work: no network, no database. When everything does not fit, in order:
 * images are shrunk, then the least useful images dropped, then the activity log and the
 * timeline trimmed; every omission is listed in `dropped` and on the summary page.
 */

import type { EvidenceFileField, EvidenceText, EvidenceTextField } from '../../dispute/evidence-fields.js';
import {
  type FileContentType,
  MAX_FILE_BYTES,
  MAX_PAGES_MASTERCARD,
  MAX_TOTAL_FILE_BYTES,
  MAX_TOTAL_TEXT_CHARS,
} from '../../dispute/limits.js';
import { plural } from '../../text.js';
import type { Fact } from '../types.js';
import {
  anchorIndex,
  type DocumentPageCaps,
  documentPageCaps,
  keepAround,
  largestFitting,
  pageLimitFor,
  spreadSelection,
} from './budget.js';
import {
  ACTIVITY_COLUMNS,
  activityRows,
  type ChronologicalRows,
  composeCommunications,
  composeImages,
  composePolicies,
  composeReceipt,
  composeSummary,
  composeTableSection,
  deliverableCaption,
  type ImageSlot,
  imagesPageCount,
  keepRows,
  keyFacts,
  messageBlock,
  pdfText,
  TIMELINE_COLUMNS,
  timelineEntries,
  timelineRows,
  withGapNotes,
} from './documents.js';
import { type Dropped, fitTextFields } from './fields.js';
import { type ComposedPage, type Composer, Measurer, renderPdf } from './pdf.js';
import { type EncodedImage, ImageEncoder, imageKey, MAX_IMAGE_BYTES, MIN_IMAGE_BYTES, mapLimit } from './pictures.js';

export type { Dropped } from './fields.js';
export { pdfPageCount } from './pdf.js';
export { neutraliseUrls, sanitizeText } from './sanitize.js';

export interface PacketDispute {
  id: string;
  reason: string;
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
  /** `payment_method_details.card.brand`; null when not a card (the 19-page limit then applies). */
  cardBrand: string | null;
  /** ISO 8601. */
  created: string;
}

export interface PacketBusiness {
  name: string;
  productDescription: string;
  supportEmail?: string;
  website?: string;
}

export interface PacketDeliverable {
  title: string;
  at: string | null;
  /** Already fetched (see `fetchImages`); PNG or JPEG bytes. */
  image?: { bytes: Uint8Array; contentType: string };
}

export type PolicyKind = 'refund' | 'cancellation' | 'terms';

export interface PacketPolicy {
  kind: PolicyKind;
  title: string;
  text: string;
  /** Where and/or when the customer saw it ("checkout page, above the Pay button", or an ISO time). */
  shownAt?: string;
}

export interface PacketInput {
  dispute: PacketDispute;
  business: PacketBusiness;
  /** What the playbook chose to say, per Stripe text field. */
  textFields: Partial<Record<EvidenceTextField, string>>;
  /** Every fact, chronological. */
  timeline: Fact[];
  /** The `activity` facts, for the activity log table (left out of the timeline table). */
  activity: Fact[];
  deliverables: PacketDeliverable[];
  receipt: Fact[] | null;
  policies: PacketPolicy[];
  /** The file fields the playbook wants filled; nothing goes on another field. */
  fileFields: readonly EvidenceFileField[];
  communications: Fact[];
}

export interface PacketFile {
  field: EvidenceFileField;
  filename: string;
  contentType: FileContentType;
  bytes: Uint8Array;
  pages: number;
}

export interface Packet {
  textFields: EvidenceText;
  files: PacketFile[];
  dropped: Dropped[];
  totals: { textChars: number; fileBytes: number; pages: number };
  limits: { maxFileBytes: number; maxTotalFileBytes: number; maxPages: number; maxTextChars: number };
}

/** What an image adds to a PDF besides its own bytes (the XObject dictionary and its reference). */
const IMAGE_OVERHEAD_BYTES = 400;
/** Kept free under the byte budget: the summary's wording changes a little between passes. */
const SAFETY_BYTES = 16_000;

interface PlannedDocument {
  field: EvidenceFileField;
  slug: string;
  title: string;
  pages: ComposedPage[];
}

export async function buildPacket(input: PacketInput): Promise<Packet> {
  const dropped: Dropped[] = [];
  const text = fitTextFields(input.textFields);
  dropped.push(...text.dropped);

  const pageLimit = pageLimitFor(input.dispute.cardBrand);
  const limitName =
    pageLimit === MAX_PAGES_MASTERCARD ? `${pageLimit}-page Mastercard limit` : `${pageLimit}-page limit`;
  const caps = documentPageCaps(pageLimit);
  const measure = new Measurer();
  const plan = planFiles(input);
  dropped.push(...plan.dropped);
  const chargeAt = input.timeline.find((f) => f.kind === 'charge' && f.at)?.at ?? input.dispute.created;

  const fixed = composeFixedDocuments(input, plan, measure, caps, chargeAt);
  dropped.push(...fixed.dropped);

  // The same evidence makes the same bytes: a retried upload then carries the same idempotency key (a digest of the
  // bytes) and Stripe replays it instead of keeping a second file. So the PDFs are dated by their newest fact, not
  // by the clock.
  const asOf = newestTime([input.dispute.created, ...input.timeline.map((fact) => fact.at)]);
  const render = (doc: PlannedDocument, images?: ReadonlyMap<string, Uint8Array>) =>
    renderPdf(doc.pages, {
      createdAt: asOf,
      title: `${doc.title} — dispute ${input.dispute.id}`,
      author: pdfText(input.business.name, 200, true),
      footer: `${pdfText(input.business.name, 60, true)} · ${doc.title} · dispute ${pdfText(input.dispute.id, 40, true)}`,
      images,
    });
  const rendered = new Map<PlannedDocument, { bytes: Uint8Array; pages: number }>();
  for (const doc of fixed.documents) rendered.set(doc, await render(doc));
  const fixedBytes = sum([...rendered.values()].map((r) => r.bytes.byteLength));
  const fixedPages = sum([...rendered.values()].map((r) => r.pages));

  let main: PlannedDocument | null = null;
  if (plan.main) {
    const result = await buildMainDocument({
      input,
      field: plan.main,
      measure,
      chargeAt,
      pagesAvailable: pageLimit - fixedPages,
      bytesAvailable: MAX_TOTAL_FILE_BYTES - fixedBytes,
      imageFloor: caps.imageFloor,
      limitName,
      otherFiles: fixed.documents.map((d) => `${d.title}, ${plural(d.pages.length, 'page')}`),
      communicationsAttached: plan.communications !== null,
      render,
    });
    dropped.push(...result.dropped);
    main = result.document;
    rendered.set(main, result.rendered);
  }

  const order = main ? [main, ...fixed.documents] : fixed.documents;
  const files: PacketFile[] = order.map((doc) => {
    const result = rendered.get(doc);
    if (!result) throw new Error(`evidence file ${doc.slug} was not rendered`);
    return {
      field: doc.field,
      filename: `${fileSafe(input.dispute.id)}-${doc.slug}.pdf`,
      contentType: 'application/pdf',
      bytes: result.bytes,
      pages: result.pages,
    };
  });
  assertWithinLimits(files, pageLimit);

  return {
    textFields: text.textFields,
    files,
    dropped,
    totals: {
      textChars: text.chars,
      fileBytes: sum(files.map((f) => f.bytes.byteLength)),
      pages: sum(files.map((f) => f.pages)),
    },
    limits: {
      maxFileBytes: MAX_FILE_BYTES,
      maxTotalFileBytes: MAX_TOTAL_FILE_BYTES,
      maxPages: pageLimit,
      maxTextChars: MAX_TOTAL_TEXT_CHARS,
    },
  };
}

/** Receipt, policies and communications, each laid out within its page cap before the main file. */
function composeFixedDocuments(
  input: PacketInput,
  plan: FilePlan,
  measure: Measurer,
  caps: DocumentPageCaps,
  chargeAt: string,
): { documents: PlannedDocument[]; dropped: Dropped[] } {
  const documents: PlannedDocument[] = [];
  const dropped: Dropped[] = [];
  if (plan.receipt && input.receipt) {
    const facts = input.receipt;
    const build = (k: number) => composeReceipt(measure, input.dispute, input.business, facts.slice(0, k));
    const k = largestFitting(0, facts.length, (n) => build(n).pageCount <= caps.receipt);
    if (k < facts.length)
      dropped.push({
        what: `${plural(facts.length - k, 'receipt line')}`,
        why: `beyond the receipt's ${caps.receipt}-page cap`,
      });
    documents.push({ field: plan.receipt, slug: 'receipt', title: 'Receipt', pages: build(k).pages });
  }
  const acceptances = input.timeline.filter((f) => f.kind === 'policy_acceptance');
  for (const placed of plan.policies) {
    const relevant = acceptances.filter((f) => placed.kinds.some((kind) => policyMatches(f, kind)));
    const shown = relevant.length > 0 ? relevant : acceptances;
    const total = placed.policies.reduce((n, p) => n + p.text.length, 0);
    const build = (chars: number) =>
      composePolicies(measure, placed.heading, input.business, placed.policies, shown, chars);
    const chars = largestFitting(0, total, (n) => build(n).pageCount <= caps.policy);
    if (chars < total) {
      dropped.push({
        what: `${plural(total - chars, 'character')} of the ${placed.heading.toLowerCase()}`,
        why: `beyond the ${caps.policy}-page cap for one policy file`,
      });
    }
    documents.push({ field: placed.field, slug: placed.slug, title: placed.heading, pages: build(chars).pages });
  }
  if (plan.communications) {
    const messages = input.communications;
    const anchor = anchorIndex(
      messages.map((m) => m.at),
      chargeAt,
    );
    const message = memo((i: number) => messageBlock(messages[i] as Fact));
    const build = (k: number) =>
      composeCommunications(
        measure,
        input.business,
        messages.length,
        message,
        keepAround(messages.length, k, anchor),
        caps.communications,
      );
    const k = largestFitting(0, messages.length, (n) => build(n).pageCount <= caps.communications);
    if (k < messages.length) {
      dropped.push({
        what: `${plural(messages.length - k, 'message')} with the customer`,
        why: `beyond the ${caps.communications}-page cap for communications; kept the first, the last and those around the payment`,
      });
    }
    documents.push({
      field: plan.communications,
      slug: 'customer-communication',
      title: 'Communication with the customer',
      pages: build(k).pages,
    });
  }

  return { documents, dropped };
}

interface MainDocumentContext {
  input: PacketInput;
  field: EvidenceFileField;
  measure: Measurer;
  chargeAt: string;
  pagesAvailable: number;
  bytesAvailable: number;
  imageFloor: number;
  limitName: string;
  otherFiles: string[];
  /** The messages have their own file, so the timeline leaves them out. */
  communicationsAttached: boolean;
  render: (
    doc: PlannedDocument,
    images?: ReadonlyMap<string, Uint8Array>,
  ) => Promise<{ bytes: Uint8Array; pages: number }>;
}

/**
 * The service documentation: a one-page summary, the timeline, the activity log and the
 * deliverable images. Pages are decided first (what fits the page limit), then bytes (images
 * shrunk to share what the other files leave), then checked on the real rendered file.
 */
async function buildMainDocument(ctx: MainDocumentContext): Promise<{
  document: PlannedDocument;
  rendered: { bytes: Uint8Array; pages: number };
  dropped: Dropped[];
}> {
  const { input, measure } = ctx;
  // What has its own table or file is not repeated in the timeline.
  const elsewhere = new Set(
    [...input.activity, ...(ctx.communicationsAttached ? input.communications : [])].map((f) => f.id),
  );
  const ownKinds = new Set<string>(ctx.communicationsAttached ? ['activity', 'communication'] : ['activity']);
  const timeline = timelineRows(
    timelineEntries(input.timeline.filter((f) => !ownKinds.has(f.kind) && !elsewhere.has(f.id))),
    ctx.chargeAt,
  );
  const activity = activityRows(input.activity, ctx.chargeAt);
  const timelineSection = memo((k: number) =>
    tableSection(measure, 'Timeline', timeline, k, TIMELINE_COLUMNS, TIMELINE_INTRO),
  );
  const activitySection = memo((k: number) =>
    tableSection(measure, 'Activity log', activity, k, ACTIVITY_COLUMNS, ACTIVITY_INTRO),
  );
  const deliverables = [...input.deliverables].sort((a, b) => timeOf(a.at) - timeOf(b.at));
  const withImages = deliverables.flatMap((d, index) => (d.image ? [{ deliverable: d, index, image: d.image }] : []));

  const pages = allocatePages({
    available: ctx.pagesAvailable - 1,
    images: withImages.length,
    imageFloor: Math.min(withImages.length, ctx.imageFloor),
    activity: { rows: activity.rows.length, pages: (k) => activitySection(k)?.pageCount ?? 0 },
    timeline: { rows: timeline.rows.length, pages: (k) => timelineSection(k)?.pageCount ?? 0 },
  });
  let { activityKept, timelineKept } = pages;

  // Hashed only when selected: a packet may carry hundreds of multi-megabyte images it never shows.
  const keyOf = memo((i: number) => imageKey(withImages[i]?.image.bytes ?? new Uint8Array()));
  const unreadable = new Map<number, string>();
  const encoder = new ImageEncoder();
  let imagesForBytes = pages.images;
  let selected = spreadSelection(withImages.length, pages.images);
  let shrink = 1;

  const compose = (shown: readonly number[], encoded: ReadonlyMap<string, EncodedImage> | null): PlannedDocument => {
    const slots: ImageSlot[] = shown.map((i) => {
      const item = withImages[i];
      const image = encoded?.get(keyOf(i));
      return {
        key: keyOf(i),
        caption: deliverableCaption(
          item?.deliverable.title ?? '',
          item?.deliverable.at ?? null,
          item?.index ?? 0,
          deliverables.length,
        ),
        aspect: image ? image.width / image.height : null,
      };
    });
    const state: SectionState = {
      timeline: { section: timelineSection(timelineKept), total: timeline.rows.length, kept: timelineKept },
      activity: { section: activitySection(activityKept), total: activity.rows.length, kept: activityKept },
      images: composeImages(measure, imagesIntro(deliverables.length, withImages.length, shown.length), slots),
      deliverables: deliverables.length,
      withImages: withImages.length,
      shownImages: shown.length,
    };
    const summary = composeSummary(measure, {
      dispute: input.dispute,
      business: input.business,
      keyFacts: keyFacts(input.timeline),
      contents: contentsLines(state, ctx.otherFiles),
      notShown: notShownLines(state, ctx.limitName, pages.images, unreadable.size),
    });
    return {
      field: ctx.field,
      slug: ctx.field === 'service_documentation' ? 'service-documentation' : 'evidence',
      title: 'Service documentation',
      pages: [
        ...summary.pages,
        ...(state.timeline.section?.pages ?? []),
        ...(state.activity.section?.pages ?? []),
        ...state.images.pages,
      ],
    };
  };

  for (let pass = 0; ; pass++) {
    const shown = selected.filter((i) => !unreadable.has(i));
    const unique = [...new Map(shown.map((i) => [keyOf(i), i]))];
    // What the file weighs without image data; the images share the rest equally.
    const base = await ctx.render(compose(shown, null));
    const budget = ctx.bytesAvailable - base.bytes.byteLength - unique.length * IMAGE_OVERHEAD_BYTES - SAFETY_BYTES;
    if (unique.length > 0 && budget < unique.length * MIN_IMAGE_BYTES) {
      // Shrinking alone cannot fit them: show fewer, still spread from the first to the last.
      const affordable = Math.floor(Math.max(0, budget) / MIN_IMAGE_BYTES);
      imagesForBytes = Math.min(affordable, shown.length - 1);
      selected = spreadSelection(withImages.length, imagesForBytes);
      continue;
    }
    const share = Math.floor(Math.min(MAX_IMAGE_BYTES, budget / Math.max(unique.length, 1)) * shrink);
    const results = await mapLimit(unique, ENCODE_CONCURRENCY, ([key, i]) =>
      encoder.fit(key, withImages[i]?.image.bytes ?? new Uint8Array(), share),
    );
    const encoded = new Map<string, EncodedImage>();
    results.forEach((result, n) => {
      const key = unique[n]?.[0] ?? '';
      if (!('error' in result)) {
        encoded.set(key, result);
        return;
      }
      for (const i of shown) if (keyOf(i) === key) unreadable.set(i, result.error);
    });
    const finalShown = shown.filter((i) => !unreadable.has(i));
    const document = compose(finalShown, encoded);
    const rendered = await ctx.render(document, new Map([...encoded].map(([key, e]) => [key, e.bytes])));
    const fits =
      rendered.bytes.byteLength <= ctx.bytesAvailable &&
      rendered.bytes.byteLength <= MAX_FILE_BYTES &&
      rendered.pages <= ctx.pagesAvailable;
    if (fits) {
      return {
        document,
        rendered,
        dropped: mainDropped({
          titles: withImages.map((w) => w.deliverable.title),
          imagesForPages: pages.images,
          imagesForBytes,
          unreadable,
          limitName: ctx.limitName,
          activity: { total: activity.rows.length, kept: activityKept },
          timeline: { total: timeline.rows.length, kept: timelineKept },
        }),
      };
    }
    if (pass >= MAX_PASSES)
      throw new Error(`evidence file does not fit: ${rendered.bytes.byteLength} bytes, ${rendered.pages} pages`);
    // Only reached if the estimate was wrong: smaller images next, then fewer, then fewer rows.
    if (rendered.bytes.byteLength > ctx.bytesAvailable && finalShown.length > 0) {
      shrink *= 0.75;
      if (shrink < 0.3) {
        imagesForBytes = Math.floor(finalShown.length / 2);
        selected = spreadSelection(withImages.length, imagesForBytes);
        shrink = 1;
      }
    } else {
      activityKept = Math.floor(activityKept / 2);
      timelineKept = Math.floor(timelineKept / 2);
    }
  }
}

const TIMELINE_INTRO = 'Everything on record about this customer and payment, oldest first.';
const ACTIVITY_INTRO =
  'Sign-ins and use of the product, with the IP address of each, from the business’s own records. Times are UTC.';
/** sharp decodes on libuv's pool of four threads; more at once only queues. */
const ENCODE_CONCURRENCY = 4;
/** Render passes before giving up; one is the rule, the rest absorb a wrong estimate. */
const MAX_PASSES = 12;

interface SectionPages {
  rows: number;
  /** Pages the section takes with k rows kept (0 rows: the section is left out). */
  pages: (k: number) => number;
}

/**
 * The page decision, in the order the budget gives way: images down to a floor, then activity
 * rows down to one page, then timeline rows down to one page, then below those floors.
 */
export function allocatePages(p: {
  available: number;
  images: number;
  imageFloor: number;
  activity: SectionPages;
  timeline: SectionPages;
}): { images: number; activityKept: number; timelineKept: number } {
  let images = p.images;
  let activityKept = p.activity.rows;
  let timelineKept = p.timeline.rows;
  const imagePages = () => imagesPageCount(images);
  const total = () => imagePages() + p.activity.pages(activityKept) + p.timeline.pages(timelineKept);
  const fitImages = (floor: number) => {
    const room = p.available - p.activity.pages(activityKept) - p.timeline.pages(timelineKept);
    images = Math.min(images, Math.max(floor, room * 2));
  };
  const fitRows = (section: SectionPages, kept: number, floor: number, others: number) =>
    largestFitting(Math.min(floor, kept), kept, (k) => section.pages(k) + others <= p.available);
  const onePage = (section: SectionPages) => largestFitting(0, section.rows, (k) => section.pages(k) <= 1);

  if (total() > p.available) fitImages(p.imageFloor);
  if (total() > p.available) {
    activityKept = fitRows(
      p.activity,
      activityKept,
      onePage(p.activity),
      imagePages() + p.timeline.pages(timelineKept),
    );
  }
  if (total() > p.available) {
    timelineKept = fitRows(
      p.timeline,
      timelineKept,
      onePage(p.timeline),
      imagePages() + p.activity.pages(activityKept),
    );
  }
  if (total() > p.available) fitImages(0);
  if (total() > p.available) {
    activityKept = fitRows(p.activity, activityKept, 0, imagePages() + p.timeline.pages(timelineKept));
  }
  if (total() > p.available) {
    timelineKept = fitRows(p.timeline, timelineKept, 0, imagePages() + p.activity.pages(activityKept));
  }
  return { images, activityKept, timelineKept };
}

function tableSection(
  measure: Measurer,
  title: string,
  rows: ChronologicalRows,
  k: number,
  columns: typeof TIMELINE_COLUMNS,
  intro: string,
): Composer | null {
  if (k <= 0 || rows.rows.length === 0) return null;
  const left = rows.rows.length - k;
  const note = left > 0 ? ` ${plural(left, 'further event')} are not shown; the gaps are marked.` : '';
  return composeTableSection(measure, title, `${intro}${note}`, columns, withGapNotes(rows, keepRows(rows, k)));
}

function imagesIntro(deliverables: number, withImages: number, shown: number): string {
  const produced = `${plural(deliverables, 'deliverable')} ${deliverables === 1 ? 'was' : 'were'} produced for this customer.`;
  if (shown === withImages) return `${produced} Each image below is one of them, oldest first.`;
  return `${produced} ${shown} of the ${withImages} with images are shown: the first, the last and others spread evenly between.`;
}

interface SectionState {
  timeline: { section: Composer | null; total: number; kept: number };
  activity: { section: Composer | null; total: number; kept: number };
  images: Composer;
  deliverables: number;
  withImages: number;
  shownImages: number;
}

function contentsLines(state: SectionState, otherFiles: readonly string[]): string[] {
  const lines: string[] = [];
  let page = 2;
  const range = (count: number) => {
    const text = count === 1 ? `page ${page}` : `pages ${page}–${page + count - 1}`;
    page += count;
    return text;
  };
  if (state.timeline.section) {
    lines.push(`Timeline of ${plural(state.timeline.kept, 'event')} (${range(state.timeline.section.pageCount)}).`);
  }
  if (state.activity.section) {
    lines.push(
      `Activity log of ${plural(state.activity.kept, 'event')} with IP addresses (${range(state.activity.section.pageCount)}).`,
    );
  }
  if (state.shownImages > 0) {
    lines.push(
      `${plural(state.shownImages, 'image')} of what the customer received (${range(state.images.pageCount)}).`,
    );
  }
  for (const file of otherFiles) lines.push(`Separate file: ${file}.`);
  return lines;
}

function notShownLines(state: SectionState, limitName: string, imagesForPages: number, unreadable: number): string[] {
  const lines: string[] = [];
  const hiddenImages = state.withImages - state.shownImages;
  if (hiddenImages > 0) {
    const why =
      unreadable > 0 && hiddenImages === unreadable
        ? 'their images could not be read'
        : imagesForPages < state.withImages
          ? `to stay within the ${limitName}`
          : 'to stay within the 4.5 MB file limit';
    lines.push(
      `${plural(hiddenImages, 'further deliverable')} ${hiddenImages === 1 ? 'was' : 'were'} produced and ${hiddenImages === 1 ? 'is' : 'are'} not shown (${why}).`,
    );
  }
  const withoutImage = state.deliverables - state.withImages;
  if (withoutImage > 0)
    lines.push(
      `${plural(withoutImage, 'deliverable')} had no image to show; ${withoutImage === 1 ? 'it is' : 'they are'} listed in the timeline.`,
    );
  const activityLeft = state.activity.total - state.activity.kept;
  if (activityLeft > 0) {
    lines.push(
      `${plural(activityLeft, 'activity event')} of ${state.activity.total} ${activityLeft === 1 ? 'is' : 'are'} not shown; the log keeps the earliest, the latest and those around the payment.`,
    );
  }
  const timelineLeft = state.timeline.total - state.timeline.kept;
  if (timelineLeft > 0)
    lines.push(
      `${plural(timelineLeft, 'timeline event')} of ${state.timeline.total} ${timelineLeft === 1 ? 'is' : 'are'} not shown.`,
    );
  return lines;
}

function mainDropped(d: {
  titles: string[];
  imagesForPages: number;
  imagesForBytes: number;
  unreadable: ReadonlyMap<number, string>;
  limitName: string;
  activity: { total: number; kept: number };
  timeline: { total: number; kept: number };
}): Dropped[] {
  const dropped: Dropped[] = [];
  const forPages = d.titles.length - d.imagesForPages;
  if (forPages > 0) {
    dropped.push({
      what: `${plural(forPages, 'deliverable image')} of ${d.titles.length}`,
      why: `to stay within the ${d.limitName}; kept the first, the last and an even spread between`,
    });
  }
  const forBytes = d.imagesForPages - d.imagesForBytes;
  if (forBytes > 0) {
    dropped.push({
      what: `${plural(forBytes, 'further deliverable image')}`,
      why: 'to stay within the 4.5 MB file limit after shrinking the others; kept an even spread',
    });
  }
  for (const [index, error] of d.unreadable) {
    dropped.push({ what: `the image of deliverable "${pdfText(d.titles[index], 120, true)}"`, why: `it ${error}` });
  }
  if (d.activity.kept < d.activity.total) {
    dropped.push({
      what: `${plural(d.activity.total - d.activity.kept, 'activity log row')} of ${d.activity.total}`,
      why: `to stay within the ${d.limitName}; kept the first, the last and the rows around the payment`,
    });
  }
  if (d.timeline.kept < d.timeline.total) {
    dropped.push({
      what: `${plural(d.timeline.total - d.timeline.kept, 'timeline event')} of ${d.timeline.total}`,
      why: `to stay within the ${d.limitName}; kept the first, the last and the events around the payment`,
    });
  }
  return dropped;
}

export interface FilePlan {
  /** The service documentation (summary, timeline, activity, images). */
  main: EvidenceFileField | null;
  receipt: EvidenceFileField | null;
  policies: {
    field: EvidenceFileField;
    slug: string;
    heading: string;
    kinds: PolicyKind[];
    policies: PacketPolicy[];
  }[];
  communications: EvidenceFileField | null;
  dropped: Dropped[];
}

/**
 * Which document goes on which field, using only the fields the playbook asked for, each once.
 * Terms of service stand in for a missing refund or cancellation policy, else go on
 * uncategorized_file when that is free.
 */
export function planFiles(
  input: Pick<PacketInput, 'fileFields' | 'receipt' | 'policies' | 'communications'>,
): FilePlan {
  const wanted = new Set(input.fileFields);
  const used = new Set<EvidenceFileField>();
  const dropped: Dropped[] = [];
  const take = (field: EvidenceFileField): EvidenceFileField | null => {
    if (!wanted.has(field) || used.has(field)) return null;
    used.add(field);
    return field;
  };
  const main = take('service_documentation') ?? take('uncategorized_file');
  if (!main) {
    dropped.push({
      what: 'the service documentation (summary, timeline, activity log, deliverable images)',
      why: 'the playbook asks for neither service_documentation nor uncategorized_file',
    });
  }
  const receipt = input.receipt && input.receipt.length > 0 ? take('receipt') : null;
  const ofKind = (kind: PolicyKind) => input.policies.filter((p) => p.kind === kind && p.text.trim() !== '');
  const terms = ofKind('terms');
  let termsPlaced = terms.length === 0;
  const policies: FilePlan['policies'] = [];
  const place = (kind: 'refund' | 'cancellation', field: EvidenceFileField, heading: string) => {
    const own = ofKind(kind);
    if (own.length > 0) {
      const target = take(field);
      if (target) policies.push({ field: target, slug: `${kind}-policy`, heading, kinds: [kind], policies: own });
      else dropped.push({ what: `the ${kind} policy`, why: `the playbook does not ask for ${field}` });
    } else if (!termsPlaced && wanted.has(field)) {
      const target = take(field);
      if (target) {
        policies.push({
          field: target,
          slug: `${kind}-policy`,
          heading: `${heading} (terms of service)`,
          kinds: ['terms', kind],
          policies: terms,
        });
        termsPlaced = true;
      }
    }
  };
  place('refund', 'refund_policy', 'Refund policy');
  place('cancellation', 'cancellation_policy', 'Cancellation policy');
  if (!termsPlaced) {
    const target = take('uncategorized_file');
    if (target)
      policies.push({
        field: target,
        slug: 'terms-of-service',
        heading: 'Terms of service',
        kinds: ['terms'],
        policies: terms,
      });
    else dropped.push({ what: 'the terms of service', why: 'no free file field for them in this playbook' });
  }
  const communications = input.communications.length > 0 ? take('customer_communication') : null;
  if (input.communications.length > 0 && !communications) {
    dropped.push({
      what: 'the customer communication file',
      why: 'the playbook does not ask for customer_communication',
    });
  }
  for (const field of wanted) {
    if (!used.has(field)) dropped.push({ what: `the ${field} file`, why: 'nothing on record belongs in it' });
  }
  return { main, receipt, policies, communications, dropped };
}

function policyMatches(fact: Fact, kind: PolicyKind): boolean {
  const name = String(fact.data?.policy ?? fact.text).toLowerCase();
  if (kind === 'refund') return name.includes('refund');
  if (kind === 'cancellation') return name.includes('cancel');
  return name.includes('term');
}

/** A last guard: a packet over Stripe's limits must never leave this module. */
function assertWithinLimits(files: readonly PacketFile[], pageLimit: number): void {
  const fields = new Set(files.map((f) => f.field));
  if (fields.size !== files.length) throw new Error('evidence packet puts two files on one field');
  const bytes = sum(files.map((f) => f.bytes.byteLength));
  const pages = sum(files.map((f) => f.pages));
  if (bytes > MAX_TOTAL_FILE_BYTES || files.some((f) => f.bytes.byteLength > MAX_FILE_BYTES) || pages > pageLimit) {
    throw new Error(`evidence packet over the limits: ${bytes} bytes, ${pages} pages (limit ${pageLimit})`);
  }
}

function timeOf(at: string | null): number {
  const t = at ? Date.parse(at) : Number.NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80) || 'dispute';
}

function memo<R>(f: (k: number) => R): (k: number) => R {
  const cache = new Map<number, R>();
  return (k) => {
    if (!cache.has(k)) cache.set(k, f(k));
    return cache.get(k) as R;
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** The latest of these ISO 8601 times (unparseable and missing ones ignored); the epoch when there is none. */
function newestTime(times: readonly (string | null)[]): Date {
  let newest = 0;
  for (const time of times) {
    const ms = time ? Date.parse(time) : Number.NaN;
    if (ms > newest) newest = ms;
  }
  return new Date(newest);
}
