/**
 * The evidence packet: what Stripe receives for one dispute. Text fields within
 * Stripe's character limits, and PDFs — service documentation, receipt, policies, customer
 * communication — within the file budget (4.5 MB together, 19 pages for Mastercard, 49
 * otherwise), one file per field, never one file on two fields.
 *
 * Pure apart from CPU work: no network, no database. When everything does not fit, in order:
 * images are shrunk, then the least useful images dropped, then the activity log and the
 * timeline trimmed; every omission is listed in `dropped` and on the cover page.
 */
import {
  MAX_FILE_BYTES,
  MAX_PAGES_MASTERCARD,
  MAX_TOTAL_FILE_BYTES,
  MAX_TOTAL_TEXT_CHARS,
} from '../../dispute/limits.js';
import { PACKET_MESSAGES } from '../../i18n/packet.js';
import { documentPageCaps, pageLimitFor } from './budget.js';
import { pdfText } from './documents.js';
import { type Dropped, fitTextFields } from './fields.js';
import { composeFixedDocuments } from './fixed-documents.js';
import { buildMainDocument } from './main-document.js';
import { Measurer, renderPdf } from './pdf.js';
import { planFiles } from './plan-files.js';
import type { Packet, PacketFile, PacketInput, PlannedDocument } from './types.js';

export async function buildPacket(input: PacketInput): Promise<Packet> {
  const dropped: Dropped[] = [];
  const text = fitTextFields(input.textFields);
  dropped.push(...text.dropped);

  // The files' own words in the reader's language; what goes to Slack (`dropped`) stays in English.
  const say = PACKET_MESSAGES[input.language ?? 'en'];
  const pageLimit = pageLimitFor(input.dispute.cardBrand);
  const limitName = PACKET_MESSAGES.en.limitName(pageLimit, pageLimit === MAX_PAGES_MASTERCARD);
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
      title: say.documentTitle(doc.title, input.dispute.id),
      author: pdfText(input.business.name, 200, true),
      footer: say.footer(pdfText(input.business.name, 60, true), doc.title, pdfText(input.dispute.id, 40, true)),
      pageOf: say.pageOf,
      images,
    });
  const rendered = new Map<PlannedDocument, { bytes: Uint8Array; pages: number }>();
  for (const doc of fixed.documents) rendered.set(doc, await render(doc));
  const fixedBytes = sum([...rendered.values()].map((r) => r.bytes.byteLength));
  const fixedPages = sum([...rendered.values()].map((r) => r.pages));

  let main: PlannedDocument | null = null;
  let cover: Packet['cover'] = null;
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
      pdfLimitName: say.limitName(pageLimit, pageLimit === MAX_PAGES_MASTERCARD),
      otherFiles: fixed.documents.map((d) => say.contents.separateFile(d.title, d.pages.length)),
      otherDocuments: fixed.documents.map((d) => ({ slug: d.slug, title: d.title })),
      communicationsAttached: plan.communications !== null,
      render,
    });
    dropped.push(...result.dropped);
    main = result.document;
    cover = result.cover;
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
    cover,
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

function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80) || 'dispute';
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
