/**
 * What each evidence file says and how it is laid out: pure functions from data to composed
 * pages. Every string that reaches a page goes through `pdfText` first.
 */

import { PACKET_MESSAGES, type PacketMessages } from '../../i18n/packet.js';
import type { Fact } from '../types.js';
import { anchorIndex, gaps, keepAround } from './budget.js';
import { formatTime } from './format.js';
import { CONTENT_WIDTH, type Column, Composer, HALF_PAGE_SLOT, type Measurer, type Row, STYLES } from './pdf.js';
import { neutraliseUrls, sanitizeText } from './sanitize.js';

/** Sanitised, cut to `max` characters, links made plain text: the only way text reaches a PDF. */
export function pdfText(text: string | null | undefined, max: number, singleLine = false): string {
  return neutraliseUrls(sanitizeText(text ?? '', max, { singleLine }));
}

/** Longest a name, title or caption is shown. */
const MAX_LABEL_CHARS = 200;
/** Longest one fact is shown in a table or list; the full text stays in Stripe's text fields and the drafter's sheet. */
const MAX_FACT_CHARS = 600;
/** Longest one message is shown in the communications file. */
const MAX_MESSAGE_CHARS = 4_000;
/** Longest policy text read before laying out; longer policies are cut to their page cap anyway. */
const MAX_POLICY_CHARS = 60_000;

export interface DisputeSummary {
  id: string;
  reason: string;
  amount: number;
  currency: string;
  cardBrand: string | null;
  created: string;
}

export interface BusinessSummary {
  name: string;
  productDescription: string;
  supportEmail?: string;
  website?: string;
}

/** The files' words in English, when a caller names no language. */
const EN = PACKET_MESSAGES.en;

/** A section that starts on a new page: heading, one line of introduction, then a table. */
export function composeTableSection(
  measure: Measurer,
  title: string,
  intro: string,
  columns: readonly Column[],
  rows: readonly Row[],
): Composer {
  const c = new Composer(measure);
  c.newPage();
  c.heading(title);
  if (intro) c.paragraph(intro);
  c.table(columns, rows);
  return c;
}

export interface ChronologicalRows {
  /** Every row, measured and laid out by the caller's choice of which to keep. */
  rows: readonly Row[];
  times: readonly (string | null)[];
  /** Index of the first row at or after the charge: trimming keeps the rows around it. */
  anchor: number;
}

/** The kept rows with a muted note in each gap, so a reader sees where and how much was left out. */
export function withGapNotes(all: ChronologicalRows, kept: readonly number[], say: PacketMessages = EN): Row[] {
  const rows: Row[] = [];
  const gapAfter = new Map(gaps(all.rows.length, kept).map((g) => [g.after, g]));
  const note = (g: { from: number; to: number }): Row => {
    const count = g.to - g.from + 1;
    const from = formatTime(all.times[g.from], false, say);
    return { note: say.gap(count, from, count === 1 ? null : formatTime(all.times[g.to], false, say)) };
  };
  const leading = gapAfter.get(-1);
  if (leading) rows.push(note(leading));
  for (const index of kept) {
    const row = all.rows[index];
    if (row) rows.push(row);
    const gap = gapAfter.get(index);
    if (gap) rows.push(note(gap));
  }
  return rows;
}

export function keepRows(all: ChronologicalRows, k: number): number[] {
  return keepAround(all.rows.length, k, all.anchor);
}

export function timelineColumns(say: PacketMessages = EN): readonly Column[] {
  return [
    { title: say.timeline.columns.when, width: 84 },
    { title: say.timeline.columns.what, width: CONTENT_WIDTH - 84 - 64 - 16 },
    { title: say.timeline.columns.source, width: 64 },
  ];
}
export const TIMELINE_COLUMNS = timelineColumns();

/** Whose record a timeline row is: Stripe's or the business's own (its database, endpoint or evidence file). */
function sourceName(source: string, say: PacketMessages): string {
  if (source === 'stripe') return say.timeline.sources.stripe;
  return ['sql', 'http', 'config'].includes(source) ? say.timeline.sources.business : pdfText(source, 40, true);
}

export interface TimelineEntry {
  at: string | null;
  text: string;
  source: string;
  /** The facts the row shows (a run of deliverables is one row). */
  ids: string[];
}

/** Runs of this many deliverables or more become one timeline row; the images section shows them. */
const DELIVERABLE_RUN = 4;

/** The timeline's rows: one per fact, except that a run of deliverables reads as one line. */
export function timelineEntries(facts: readonly Fact[], say: PacketMessages = EN): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (let i = 0; i < facts.length; ) {
    let end = i;
    while (facts[end]?.kind === 'deliverable') end++;
    const run = facts.slice(i, end);
    const first = run[0];
    const last = run.at(-1);
    if (run.length >= DELIVERABLE_RUN && first && last) {
      entries.push({
        at: first.at,
        text: say.timeline.deliverablesRun(
          run.length,
          formatTime(first.at, false, say),
          formatTime(last.at, false, say),
          first.text,
          last.text,
        ),
        source: first.source,
        ids: run.map((fact) => fact.id),
      });
      i = end;
      continue;
    }
    const fact = facts[i];
    if (fact) entries.push({ at: fact.at, text: fact.text, source: fact.source, ids: [fact.id] });
    i += 1;
  }
  return entries;
}

export function timelineRows(
  entries: readonly TimelineEntry[],
  chargeAt: string | null,
  say: PacketMessages = EN,
): ChronologicalRows {
  const times = entries.map((f) => f.at);
  return {
    rows: entries.map((f) => ({
      cells: [whenCell(f.at, say), pdfText(f.text, MAX_FACT_CHARS), sourceName(f.source, say)],
      marks: f.ids,
    })),
    times,
    anchor: anchorIndex(times, chargeAt),
  };
}

export function activityColumns(say: PacketMessages = EN): readonly Column[] {
  const { columns } = say.activity;
  return [
    { title: columns.time, width: 72 },
    { title: columns.event, width: 122 },
    { title: columns.ip, width: 112 },
    { title: columns.detail, width: CONTENT_WIDTH - 72 - 122 - 112 - 24 },
  ];
}
export const ACTIVITY_COLUMNS = activityColumns();

const QUOTED_DETAIL = /\s\(("[\s\S]*")\)\.?$/;
/** Longest user agent shown once over a day's events; the rest of it says nothing an analyst checks. */
const MAX_USER_AGENT_CHARS = 160;

/** One event of the activity log, its values apart so a day's repeated ones can be shown once. */
interface ActivityEntry {
  id: string;
  at: string | null;
  /** Null when the source gave no event name: the fact's sentence is shown whole instead. */
  event: string | null;
  ip: string | null;
  device: string | null;
  userAgent: string | null;
  detail: string | null;
  text: string;
}

export interface ActivityLog extends ChronologicalRows {
  entries: readonly ActivityEntry[];
}

/** The activity sources put event and IP in `data`; what the customer did is in `data.detail` or quoted at the end of the sentence. */
export function activityRows(facts: readonly Fact[], chargeAt: string | null): ActivityLog {
  const times = facts.map((f) => f.at);
  const entries = facts.map((f): ActivityEntry => {
    const data = f.data ?? {};
    const text = (key: string) => (typeof data[key] === 'string' && data[key] !== '' ? (data[key] as string) : null);
    return {
      id: f.id,
      at: f.at,
      event: text('event'),
      ip: text('ip'),
      device: text('device_id'),
      userAgent: text('user_agent'),
      detail: text('detail') ?? f.text.match(QUOTED_DETAIL)?.[1] ?? null,
      text: f.text,
    };
  });
  return {
    // Measured as laid out by day (activityLogRows); one row per event is what trimming counts.
    rows: entries.map((entry) => ({ cells: [entry.at ?? '', entry.event ?? '', entry.ip ?? '', entry.text] })),
    entries,
    times,
    anchor: anchorIndex(times, chargeAt),
  };
}

/**
 * The kept events grouped by day: a heading row per day with its count and the IP, device and user agent its shown
 * events share (said once, not on every row), then one row per event with only what differs; the gaps marked.
 */
export function activityLogRows(log: ActivityLog, kept: readonly number[], say: PacketMessages = EN): Row[] {
  const dayOf = (index: number) => log.entries[index]?.at?.slice(0, 10) ?? say.activity.unknownDay;
  const perDay = new Map<string, number>();
  for (let i = 0; i < log.entries.length; i++) perDay.set(dayOf(i), (perDay.get(dayOf(i)) ?? 0) + 1);
  const rows: Row[] = [];
  let day: string | null = null;
  let shared: Shared = NOTHING_SHARED;
  // The values the headings above have named: a day with the same ones says "the same … as above".
  let stated: Shared = NOTHING_SHARED;
  let next = 0;
  for (const row of withGapNotes(log, kept, say)) {
    if ('note' in row) {
      rows.push(row);
      continue;
    }
    const index = kept[next++] ?? 0;
    if (dayOf(index) !== day) {
      day = dayOf(index);
      const ofDay = kept.filter((i) => dayOf(i) === day);
      shared = sharedValues(ofDay.map((i) => log.entries[i]).filter((e): e is ActivityEntry => e !== undefined));
      rows.push({
        note: dayHeading(day, perDay.get(day) ?? ofDay.length, ofDay.length, shared, stated, say),
        strong: true,
      });
      stated = {
        ip: shared.ip ?? stated.ip,
        device: shared.device ?? stated.device,
        userAgent: shared.userAgent ?? stated.userAgent,
        everyRow: true,
      };
    }
    const entry = log.entries[index];
    if (entry) rows.push(entryRow(entry, shared, say));
  }
  return rows;
}

interface Shared {
  ip: string | null;
  device: string | null;
  userAgent: string | null;
  /** Every shown event has exactly these values: "all from". */
  everyRow: boolean;
}

const NOTHING_SHARED: Shared = { ip: null, device: null, userAgent: null, everyRow: true };

/**
 * The IP, device and user agent most of a day's shown events record (null where no value has a majority of those
 * recorded), and whether every event has them: the heading says them once, a row only what differs.
 */
function sharedValues(entries: readonly ActivityEntry[]): Shared {
  let everyRow = true;
  const most = (read: (entry: ActivityEntry) => string | null) => {
    const recorded = entries.map(read).filter((value): value is string => value !== null);
    const counts = new Map<string, number>();
    for (const value of recorded) counts.set(value, (counts.get(value) ?? 0) + 1);
    const [value, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [null, 0];
    if (value === null || count * 2 <= recorded.length) return null;
    if (count < entries.length) everyRow = false;
    return value;
  };
  return { ip: most((e) => e.ip), device: most((e) => e.device), userAgent: most((e) => e.userAgent), everyRow };
}

/** `2026-03-04: 12 events; all from IP …, device …, Mozilla/5.0 …`; a value named above is not named again. */
function dayHeading(
  day: string,
  total: number,
  shown: number,
  shared: Shared,
  stated: Shared,
  say: PacketMessages,
): string {
  const words = say.activity;
  const count = words.events(total, shown);
  const parts = [
    { name: words.names.ip, value: shared.ip, before: stated.ip, shown: words.ip(shared.ip ?? '') },
    { name: words.names.device, value: shared.device, before: stated.device, shown: words.device(shared.device ?? '') },
    {
      name: words.names.browser,
      value: shared.userAgent,
      before: stated.userAgent,
      shown: pdfText(shared.userAgent, MAX_USER_AGENT_CHARS, true),
    },
  ].filter((part) => part.value !== null);
  if (parts.length === 0) return pdfText(`${day}: ${count}`, MAX_FACT_CHARS, true);
  const changed = parts.filter((part) => part.value !== part.before).map((part) => part.shown);
  const same = parts.filter((part) => part.value === part.before).map((part) => part.name);
  const what = [...changed, ...(same.length > 0 ? [words.sameAsAbove(same)] : [])].join(', ');
  const from = shared.everyRow ? words.allFrom(what, shown === 1) : words.fromWhereRecorded(what);
  return pdfText(`${day}: ${count}; ${from}`, MAX_FACT_CHARS, true);
}

function entryRow(entry: ActivityEntry, shared: Shared, say: PacketMessages): Row {
  const time = entry.at ? formatTime(entry.at, true).slice(11, 19) : say.activity.unknownTime;
  if (entry.event === null) return { cells: [time, '', '', pdfText(entry.text, MAX_FACT_CHARS)], marks: [entry.id] };
  const detail = [
    entry.detail,
    entry.device !== null && entry.device !== shared.device ? say.activity.device(entry.device) : null,
    entry.userAgent !== null && entry.userAgent !== shared.userAgent ? entry.userAgent : null,
  ].filter((part): part is string => part !== null && part !== '');
  return {
    cells: [
      time,
      pdfText(entry.event, MAX_LABEL_CHARS, true),
      entry.ip !== null && entry.ip === shared.ip ? '' : pdfText(entry.ip ?? '—', 60, true),
      pdfText(detail.join(' · '), MAX_FACT_CHARS),
    ],
    marks: [entry.id],
  };
}

function whenCell(at: string | null, say: PacketMessages, seconds = false): string {
  const formatted = formatTime(at, seconds, say);
  // Date on one line, time on the next: the column stays narrow at 12 pt.
  return formatted.includes(' ') ? formatted.replace(' ', '\n').replace(' UTC', seconds ? '' : ' UTC') : formatted;
}

export interface ImageSlot {
  key: string;
  caption: string;
  /** width / height once the image is encoded; null while only measuring. */
  aspect: number | null;
}

/** Deliverable images, two to a page, each with its title and time below it. */
export function composeImages(
  measure: Measurer,
  intro: string,
  slots: readonly ImageSlot[],
  say: PacketMessages = EN,
): Composer {
  const c = new Composer(measure);
  if (slots.length === 0) return c;
  c.newPage();
  c.heading(say.images.title);
  if (intro) c.paragraph(intro);
  // On the first page the two images share what the heading and introduction leave.
  const firstPageSlot = Math.floor(c.remaining / 2);
  slots.forEach((slot, index) => {
    if (index >= 2 && index % 2 === 0) c.newPage();
    c.image(slot.key, slot.caption, index < 2 ? firstPageSlot : HALF_PAGE_SLOT, slot.aspect);
  });
  return c;
}

export function imagesPageCount(count: number): number {
  return Math.ceil(count / 2);
}

export interface PolicyDocument {
  title: string;
  text: string;
  shownAt?: string;
}

/** One file per policy field: each policy with where and when the customer saw it, and their acceptances. */
export function composePolicies(
  measure: Measurer,
  heading: string,
  business: BusinessSummary,
  policies: readonly PolicyDocument[],
  acceptances: readonly Fact[],
  maxChars: number,
  say: PacketMessages = EN,
): Composer {
  const c = new Composer(measure);
  c.paragraph(`${heading} — ${pdfText(business.name, MAX_LABEL_CHARS, true)}`, { style: STYLES.title, maxLines: 2 });
  if (acceptances.length > 0) {
    c.heading(say.policies.accepted);
    for (const fact of acceptances.slice(0, 6))
      c.paragraph(`•  ${pdfText(fact.text, MAX_FACT_CHARS)}`, { maxLines: 3 });
  }
  let budget = maxChars;
  for (const policy of policies) {
    c.heading(pdfText(policy.title, MAX_LABEL_CHARS, true) || heading);
    if (policy.shownAt) c.paragraph(say.policies.shownToCustomer(shownAt(policy.shownAt)), { style: STYLES.strong });
    const text = pdfText(policy.text, MAX_POLICY_CHARS);
    if (budget >= text.length) {
      c.paragraph(text);
      budget -= text.length;
    } else {
      c.paragraph(`${text.slice(0, Math.max(budget, 0)).trimEnd()} …`);
      c.paragraph(say.policies.restNotShown(text.length - Math.max(budget, 0)), { muted: true });
      budget = 0;
    }
  }
  return c;
}

function shownAt(value: string): string {
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? formatTime(value) : pdfText(value, 300, true);
}

export interface MessageBlock {
  heading: string;
  body: string;
}

/** One message as the communications file shows it: when, which way, how; then what was said. */
export function messageBlock(fact: Fact, say: PacketMessages = EN): MessageBlock {
  const data = fact.data ?? {};
  const words = say.communications;
  const direction =
    data.direction === 'inbound'
      ? words.fromCustomer
      : data.direction === 'outbound'
        ? words.toCustomer
        : words.message;
  const channel = typeof data.channel === 'string' ? words.by(pdfText(data.channel, 40, true)) : '';
  return {
    heading: `${formatTime(fact.at, false, say)} · ${direction}${channel}`,
    body: pdfText(stripTimePrefix(fact.text), MAX_MESSAGE_CHARS),
  };
}

/**
 * Customer messages, oldest first. Stops once past `maxPages`: a history of thousands of
 * messages is only laid out as far as the cap needs to be known to be exceeded.
 */
export function composeCommunications(
  measure: Measurer,
  business: BusinessSummary,
  total: number,
  message: (index: number) => MessageBlock,
  kept: readonly number[],
  maxPages: number,
  say: PacketMessages = EN,
): Composer {
  const c = new Composer(measure);
  c.paragraph(say.communications.title(pdfText(business.name, MAX_LABEL_CHARS, true)), {
    style: STYLES.title,
    maxLines: 2,
  });
  const left = total - kept.length;
  if (left > 0) c.paragraph(say.communications.furtherNotShown(left), { muted: true });
  for (const index of kept) {
    if (c.pageCount > maxPages) break;
    const block = message(index);
    c.heading(block.heading, STYLES.subheading);
    c.paragraph(block.body, { maxLines: 40 });
  }
  return c;
}

/** Sources start sentences with "2025-03-01 14:02 UTC: "; under a heading that already says when, it is noise. */
function stripTimePrefix(text: string): string {
  return text.replace(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})? UTC ?: /, '');
}

export function deliverableCaption(
  title: string,
  at: string | null,
  index: number,
  total: number,
  say: PacketMessages = EN,
): string {
  const name = pdfText(title, MAX_LABEL_CHARS, true) || say.images.untitled;
  return say.images.caption(index + 1, total, name, at ? formatTime(at, false, say) : null);
}
