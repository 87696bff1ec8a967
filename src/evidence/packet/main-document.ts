import type { EvidenceFileField } from '../../dispute/evidence-fields.js';
import { MAX_FILE_BYTES } from '../../dispute/limits.js';
import { PACKET_MESSAGES, type PacketMessages } from '../../i18n/packet.js';
import { plural } from '../../text.js';
import { type Proof, type StrongPoint, strongestPoints } from '../playbook/strongest.js';
import { largestFitting, memo, spreadSelection } from './budget.js';
import { type CoverContent, composeCover } from './cover.js';
import {
  activityColumns,
  activityLogRows,
  activityRows,
  type ChronologicalRows,
  composeImages,
  composeTableSection,
  deliverableCaption,
  type ImageSlot,
  imagesPageCount,
  keepRows,
  pdfText,
  timelineColumns,
  timelineEntries,
  timelineRows,
  withGapNotes,
} from './documents.js';
import type { Dropped } from './fields.js';
import type { Column, Composer, Measurer, Row } from './pdf.js';
import { type EncodedImage, ImageEncoder, imageKey, MAX_IMAGE_BYTES, MIN_IMAGE_BYTES, mapLimit } from './pictures.js';
import type { CoverEntry, PacketCover, PacketInput, PlannedDocument } from './types.js';

const IMAGE_OVERHEAD_BYTES = 400;
/** Kept free under the byte budget: the summary's wording changes a little between passes. */
const SAFETY_BYTES = 16_000;
/**
 * Far more than the pages of a main file weigh without their images (20,000 activity rows with long user agents, cut
 * to the page limit, made a 100 KB file): with this much left after every image at its largest, the pages are not
 * weighed first.
 */
const HEAVY_PAGES_BYTES = 1_000_000;

export interface MainDocumentContext {
  input: PacketInput;
  field: EvidenceFileField;
  measure: Measurer;
  chargeAt: string;
  pagesAvailable: number;
  bytesAvailable: number;
  imageFloor: number;
  /** The page limit as Slack's list of what was left out names it (English). */
  limitName: string;
  /** The same limit in the files' language, for the cover page. */
  pdfLimitName?: string;
  /** "Separate file: Receipt, 1 page", one line each, in the files' language. */
  otherFiles: string[];
  /** The packet's other files, so a point proved by one (the receipt, a policy) names it. */
  otherDocuments: readonly { slug: string; title: string }[];
  /** The messages have their own file, so the timeline leaves them out. */
  communicationsAttached: boolean;
  render: (
    doc: PlannedDocument,
    images?: ReadonlyMap<string, Uint8Array>,
  ) => Promise<{ bytes: Uint8Array; pages: number }>;
}

/**
 * The service documentation: a one-page cover, the timeline, the activity log and the
 * deliverable images. Pages are decided first (what fits the page limit), then bytes (images
 * shrunk to share what the other files leave), then checked on the real rendered file.
 */
export async function buildMainDocument(ctx: MainDocumentContext): Promise<{
  document: PlannedDocument;
  rendered: { bytes: Uint8Array; pages: number };
  dropped: Dropped[];
  cover: PacketCover;
}> {
  const { input, measure } = ctx;
  const say = PACKET_MESSAGES[input.language ?? 'en'];
  // What has its own table or file is not repeated in the timeline.
  const elsewhere = new Set(
    [...input.activity, ...(ctx.communicationsAttached ? input.communications : [])].map((f) => f.id),
  );
  const ownKinds = new Set<string>(ctx.communicationsAttached ? ['activity', 'communication'] : ['activity']);
  const timelineFacts = input.timeline.filter((f) => !ownKinds.has(f.kind) && !elsewhere.has(f.id));
  const timeline = timelineRows(timelineEntries(timelineFacts, say), ctx.chargeAt, say);
  const activity = activityRows(input.activity, ctx.chargeAt);
  // When the business gave no records of its own, the analyst is told whose records these are.
  const timelineIntro = timelineFacts.every((f) => f.source === 'stripe')
    ? say.timeline.stripeIntro
    : say.timeline.intro;
  const timelineSection = memo((k: number) =>
    tableSection(say, measure, say.timeline.title, timeline, k, timelineColumns(say), timelineIntro),
  );
  const activitySection = memo((k: number) =>
    tableSection(say, measure, say.activity.title, activity, k, activityColumns(say), say.activity.intro, (kept) =>
      activityLogRows(activity, kept, say),
    ),
  );
  const deliverables = [...input.deliverables].sort((a, b) => timeOf(a.at) - timeOf(b.at));
  const withImages = deliverables.flatMap((d, index) => (d.image ? [{ deliverable: d, index, image: d.image }] : []));
  // Images on record but never fetched (more than a packet can show) still count as deliverables with images.
  const withImagesInAll = withImages.length + deliverables.filter((d) => d.imageLeftUnfetched).length;

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

  // The cover's points: the playbook's ranking for the reason (measured effectiveness first, when given), from the facts.
  const strongest = strongestPoints(
    input.dispute.reason,
    input.timeline,
    input.evidenceOrder,
    undefined,
    input.language ?? 'en',
  );
  let cover: PacketCover = { answer: strongest.answer, points: [] };

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
          say,
        ),
        aspect: image ? image.width / image.height : null,
      };
    });
    const state: SectionState = {
      timeline: { section: timelineSection(timelineKept), total: timeline.rows.length, kept: timelineKept },
      activity: { section: activitySection(activityKept), total: activity.rows.length, kept: activityKept },
      images: composeImages(measure, say.images.intro(deliverables.length, withImagesInAll, shown.length), slots, say),
      deliverables: deliverables.length,
      withImages: withImagesInAll,
      shownImages: shown.length,
    };
    const entries = strongest.points.map((point) =>
      locate(point, state, ctx.otherDocuments, say.titles.serviceDocumentation),
    );
    cover = { answer: strongest.answer, points: entries };
    const content: CoverContent = {
      dispute: input.dispute,
      cardLast4: cardLast4(input),
      business: input.business,
      answer: strongest.answer,
      stripeOnly: strongest.stripeOnly,
      points: entries.map((entry) => ({ text: entry.text, where: whereWords(entry, say) })),
      delivered: deliverables.length > 0 ? { count: deliverables.length } : null,
      thumbnail: thumbnailOf(slots[0], shown[0] === undefined ? undefined : withImages[shown[0]]?.deliverable),
      contents: contentsLines(say, state, ctx.otherFiles),
      notShown: notShownLines(say, state, ctx.pdfLimitName ?? ctx.limitName, pages.images, unreadable.size),
    };
    const summary = composeCover(measure, content, say);
    // The points' page numbers count from the sections after the cover: a second cover page would shift them all.
    if (summary.pageCount !== COVER_PAGES) throw new Error(`the cover took ${summary.pageCount} pages, not one`);
    return {
      field: ctx.field,
      slug: ctx.field === 'service_documentation' ? 'service-documentation' : 'evidence',
      title: say.titles.serviceDocumentation,
      pages: [
        ...summary.pages,
        ...(state.timeline.section?.pages ?? []),
        ...(state.activity.section?.pages ?? []),
        ...state.images.pages,
      ],
    };
  };

  let weigh = false;
  for (let pass = 0; ; pass++) {
    const shown = selected.filter((i) => !unreadable.has(i));
    const unique = [...new Map(shown.map((i) => [keyOf(i), i]))];
    // Where every image has room at its largest even beside the heaviest pages a packet has, the images get that
    // without weighing the pages first (a render saved); the render below is held to the limits all the same, and a
    // file that does not fit is weighed and planned as usual.
    const roomy =
      !weigh &&
      ctx.bytesAvailable - unique.length * (MAX_IMAGE_BYTES + IMAGE_OVERHEAD_BYTES) - SAFETY_BYTES >= HEAVY_PAGES_BYTES;
    let share = Math.floor(MAX_IMAGE_BYTES * shrink);
    if (!roomy) {
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
      share = Math.floor(Math.min(MAX_IMAGE_BYTES, budget / Math.max(unique.length, 1)) * shrink);
    }
    const results = await mapLimit(unique, ENCODE_CONCURRENCY, ([key, i]) =>
      encoder.fit(key, withImages[i]?.image.bytes ?? new Uint8Array(), share, { roomy }),
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
        cover,
        dropped: mainDropped({
          titles: [
            ...withImages.map((w) => w.deliverable.title),
            ...deliverables.filter((d) => d.imageLeftUnfetched).map((d) => d.title),
          ],
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
    if (roomy) {
      // The guess was wrong: weigh the pages and plan from what they weigh.
      weigh = true;
      continue;
    }
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
  say: PacketMessages,
  measure: Measurer,
  title: string,
  rows: ChronologicalRows,
  k: number,
  columns: readonly Column[],
  intro: string,
  layout: (kept: readonly number[]) => Row[] = (kept) => withGapNotes(rows, kept, say),
): Composer | null {
  if (k <= 0 || rows.rows.length === 0) return null;
  const left = rows.rows.length - k;
  const note = left > 0 ? ` ${say.furtherEvents(left)}` : '';
  return composeTableSection(measure, title, `${intro}${note}`, columns, layout(keepRows(rows, k)));
}

interface SectionState {
  timeline: { section: Composer | null; total: number; kept: number };
  activity: { section: Composer | null; total: number; kept: number };
  images: Composer;
  deliverables: number;
  withImages: number;
  shownImages: number;
}

function contentsLines(say: PacketMessages, state: SectionState, otherFiles: readonly string[]): string[] {
  const lines: string[] = [];
  let page = 2;
  const range = (count: number) => {
    const text = say.contents.pages(page, count);
    page += count;
    return text;
  };
  if (state.timeline.section) {
    lines.push(say.contents.timeline(state.timeline.kept, range(state.timeline.section.pageCount)));
  }
  if (state.activity.section) {
    lines.push(say.contents.activity(state.activity.kept, range(state.activity.section.pageCount)));
  }
  if (state.shownImages > 0) {
    lines.push(say.contents.images(state.shownImages, range(state.images.pageCount)));
  }
  lines.push(...otherFiles);
  return lines;
}

function notShownLines(
  say: PacketMessages,
  state: SectionState,
  limitName: string,
  imagesForPages: number,
  unreadable: number,
): string[] {
  const lines: string[] = [];
  const words = say.notShown;
  const hiddenImages = state.withImages - state.shownImages;
  if (hiddenImages > 0) {
    const why =
      unreadable > 0 && hiddenImages === unreadable
        ? words.unreadable
        : imagesForPages < state.withImages
          ? words.withinLimit(limitName)
          : words.withinFileSize;
    lines.push(words.deliverables(hiddenImages, why));
  }
  const withoutImage = state.deliverables - state.withImages;
  if (withoutImage > 0) lines.push(words.withoutImage(withoutImage));
  const activityLeft = state.activity.total - state.activity.kept;
  if (activityLeft > 0) lines.push(words.activity(activityLeft, state.activity.total));
  const timelineLeft = state.timeline.total - state.timeline.kept;
  if (timelineLeft > 0) lines.push(words.timeline(timelineLeft, state.timeline.total));
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
      what: `${plural(d.activity.total - d.activity.kept, 'activity log row')} of ${d.activity.total.toLocaleString('en-US')}`,
      why: `to stay within the ${d.limitName}; kept the first, the last and the rows around the payment`,
    });
  }
  if (d.timeline.kept < d.timeline.total) {
    dropped.push({
      what: `${plural(d.timeline.total - d.timeline.kept, 'timeline event')} of ${d.timeline.total.toLocaleString('en-US')}`,
      why: `to stay within the ${d.limitName}; kept the first, the last and the events around the payment`,
    });
  }
  return dropped;
}

function timeOf(at: string | null): number {
  const t = at ? Date.parse(at) : Number.NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** The cover is one page; the sections follow it in this order. */
const COVER_PAGES = 1;

/** Where each section of the file starts, after layout: the same arithmetic as "In this packet". */
function sectionPages(state: SectionState): {
  timeline: { start: number; section: Composer | null };
  activity: { start: number; section: Composer | null };
  images: { start: number; count: number };
} {
  const timelineStart = COVER_PAGES + 1;
  const activityStart = timelineStart + (state.timeline.section?.pageCount ?? 0);
  const imagesStart = activityStart + (state.activity.section?.pageCount ?? 0);
  return {
    timeline: { start: timelineStart, section: state.timeline.section },
    activity: { start: activityStart, section: state.activity.section },
    images: { start: imagesStart, count: state.shownImages > 0 ? state.images.pageCount : 0 },
  };
}

/** The first of a point's proofs the packet holds: a page range of this file, or another file. */
function locate(
  point: StrongPoint,
  state: SectionState,
  others: readonly { slug: string; title: string }[],
  title: string,
): CoverEntry {
  const sections = sectionPages(state);
  const here = (from: number, to: number): CoverEntry => ({
    item: point.item,
    text: point.text,
    cites: point.cites,
    file: title,
    pages: [from, to],
  });
  const find = (proof: Proof): CoverEntry | null => {
    if ('document' in proof) {
      const other = others.find((doc) => doc.slug === proof.document);
      return other ? { item: point.item, text: point.text, cites: point.cites, file: other.title, pages: null } : null;
    }
    if ('rows' in proof) {
      const found = proof.rows.flatMap((id) => {
        for (const part of [sections.timeline, sections.activity]) {
          const page = part.section?.marks.get(id);
          if (page !== undefined) return [part.start + page - 1];
        }
        return [];
      });
      return found.length > 0 ? here(Math.min(...found), Math.max(...found)) : null;
    }
    if (proof.section === 'activity') {
      const { start, section } = sections.activity;
      return section ? here(start, start + section.pageCount - 1) : null;
    }
    const { start, count } = sections.images;
    return count > 0 ? here(start, start + count - 1) : null;
  };
  for (const proof of point.proof) {
    const entry = find(proof);
    if (entry) return entry;
  }
  return { item: point.item, text: point.text, cites: point.cites, file: null, pages: null };
}

/** `p. 3` in this file, `Receipt file` for another. */
function whereWords(entry: CoverEntry, say: PacketMessages): string | null {
  if (entry.pages) return say.cover.page(entry.pages[0], entry.pages[1]);
  return entry.file ? say.cover.file(entry.file) : null;
}

/** The card's last four digits, as Stripe recorded them with the payment. */
function cardLast4(input: PacketInput): string | null {
  for (const fact of input.timeline) {
    const last4 =
      fact.id === 'stripe.charge.card' ? fact.data?.last4 : fact.id === 'stripe.charge' ? fact.data?.card_last4 : null;
    if (typeof last4 === 'string' && /^\d{4}$/.test(last4)) return last4;
  }
  return null;
}

/** The first image shown, drawn again small on the cover, with the deliverable it shows. */
function thumbnailOf(
  slot: ImageSlot | undefined,
  deliverable: { title: string; at: string | null } | undefined,
): CoverContent['thumbnail'] {
  if (!slot || !deliverable) return null;
  return { key: slot.key, title: pdfText(deliverable.title, 120, true) || 'Untitled', at: deliverable.at };
}
