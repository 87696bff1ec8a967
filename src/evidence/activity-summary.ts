import type { Language } from '../dispute/language.js';
import { ACTIVITY_WORDS, type ActivityWords } from '../i18n/activity.js';
import { purchaseEventFor } from './ce3.js';
import { formatWhen } from './sources/rows.js';
import type { Fact } from './types.js';

/**
 * The customer's activity as an analyst can take it in at a glance: how much use after the payment, from when to
 * when, from how many IP addresses and devices, and how much of it came from the checkout's own IP and device; the
 * same for the use before it (prior use). Computed from the activity facts (one per row the business sent), so every
 * number it states is one the rows make true; the drafter's fact sheet carries these facts so the grounding check can
 * verify a rebuttal that repeats them. The full log stays in the service documentation.
 */

export type ActivityPeriod = 'after' | 'before';

export interface ActivitySummary {
  period: ActivityPeriod;
  /** Events in the period (the checkout event itself is not counted: it is the payment, not use). */
  events: number;
  first: string;
  last: string;
  /** Event names with their counts, most frequent first. */
  byEvent: { name: string; count: number }[];
  /** Distinct IP addresses and devices, most frequent first. */
  ips: { value: string; count: number }[];
  devices: { value: string; count: number }[];
  /** The checkout's IP and device (from the charge when recorded, else the checkout event), when known. */
  checkoutIp: string | null;
  checkoutDevice: string | null;
  /** Events in the period from the checkout's IP address, and from its device. */
  fromCheckoutIp: number;
  fromCheckoutDevice: number;
}

/** Event names, IPs and devices named one by one up to this many; beyond it, the most frequent with a count. */
const NAMED_MAX = 3;
const SUMMARY_ID = 'activity.summary.';
/** What an event without a name is counted as. */
const OTHER = 'other activity';

interface Timed {
  kind: string;
  at: string | null;
}

/** A fact made here, which summarises the activity rather than recording one event. */
export function isActivitySummary(fact: Pick<Fact, 'id' | 'kind' | 'data'>): boolean {
  // Both the id and the data: a business row may have a column of any name, never an id outside its source's.
  return fact.id.startsWith(SUMMARY_ID) && fact.kind === 'activity' && typeof fact.data?.activity_summary === 'string';
}

/** When the disputed payment was made: the earliest time on a charge fact. */
export function paymentTime(facts: readonly Timed[]): number | undefined {
  const times = facts
    .filter((fact) => fact.kind === 'charge' && fact.at)
    .map((fact) => Date.parse(fact.at ?? ''))
    .filter((time) => !Number.isNaN(time));
  return times.length > 0 ? Math.min(...times) : undefined;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);
const deviceOf = (fact: Fact): string | null => text(fact.data?.device_id) ?? text(fact.data?.device_fingerprint);

/** The checkout's identifiers and its event (left out of the counts): the charge's metadata first, then the event. */
export function checkoutOf(facts: readonly Fact[]): { ip: string | null; device: string | null; event: Fact | null } {
  const paidAt = paymentTime(facts);
  const charges = facts.filter((fact) => fact.kind === 'charge');
  const charge = charges.find((fact) => fact.id === 'stripe.charge') ?? charges[0];
  const chargeId = text(charge?.data?.charge_id);
  const event =
    chargeId && paidAt !== undefined ? purchaseEventFor(chargeId, new Date(paidAt).toISOString(), [...facts]) : null;
  const fromCharge = (read: (fact: Fact) => string | null) => charges.map(read).find((value) => value !== null) ?? null;
  return {
    ip: fromCharge((fact) => text(fact.data?.ip)) ?? text(event?.data?.ip),
    device: fromCharge(deviceOf) ?? (event ? deviceOf(event) : null),
    event,
  };
}

/** The activity after the payment and before it, each when there is any; none without a payment time. */
export function summariseActivity(facts: readonly Fact[]): ActivitySummary[] {
  const paidAt = paymentTime(facts);
  if (paidAt === undefined) return [];
  const checkout = checkoutOf(facts);
  const activity = facts
    .filter((fact) => fact.kind === 'activity' && fact.at && !isActivitySummary(fact))
    .filter((fact) => fact !== checkout.event && !Number.isNaN(Date.parse(fact.at ?? '')))
    .sort((a, b) => Date.parse(a.at ?? '') - Date.parse(b.at ?? ''));
  const after = activity.filter((fact) => Date.parse(fact.at ?? '') >= paidAt);
  const before = activity.filter((fact) => Date.parse(fact.at ?? '') < paidAt);
  return [
    ...(after.length > 0 ? [summaryOf('after', after, checkout)] : []),
    ...(before.length > 0 ? [summaryOf('before', before, checkout)] : []),
  ];
}

function summaryOf(
  period: ActivityPeriod,
  events: readonly Fact[],
  checkout: { ip: string | null; device: string | null },
): ActivitySummary {
  const ips = events.map((fact) => text(fact.data?.ip));
  const devices = events.map(deviceOf);
  return {
    period,
    events: events.length,
    first: events[0]?.at ?? '',
    last: events.at(-1)?.at ?? '',
    byEvent: tally(events.map((fact) => text(fact.data?.event)?.toLowerCase() ?? OTHER)).map(({ value, count }) => ({
      name: value,
      count,
    })),
    ips: tally(ips),
    devices: tally(devices),
    checkoutIp: checkout.ip,
    checkoutDevice: checkout.device,
    fromCheckoutIp: checkout.ip === null ? 0 : ips.filter((ip) => ip === checkout.ip).length,
    fromCheckoutDevice: checkout.device === null ? 0 : devices.filter((device) => device === checkout.device).length,
  };
}

/** Distinct values with their counts, most frequent first (ties in first-seen order); nulls left out. */
function tally(values: readonly (string | null)[]): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count);
}

/**
 * The summary as one fact: the sentences a rebuttal may repeat, and its figures as data. Every number stands before
 * the noun it counts ("3,000 events", "5 IP addresses", "1,500 ×"), where the grounding check looks for counts. The
 * use before the payment is said in fewer words: it supports the case, it is not the use disputed. Its words are the
 * rebuttal's language (src/i18n/activity.ts); its figures and the business's event names are the same in all.
 */
export function activitySummaryFact(summary: ActivitySummary, source: string, language: Language = 'en'): Fact {
  const say = ACTIVITY_WORDS[language];
  const after = summary.period === 'after';
  const label = after ? say.after : say.before;
  const span =
    summary.events === 1
      ? say.oneEventAt(formatWhen(summary.first))
      : say.eventsFromTo(summary.events, formatWhen(summary.first), formatWhen(summary.last));
  const kinds =
    after && summary.byEvent.some(({ name }) => name !== OTHER)
      ? ` (${listed(
          summary.byEvent.map(({ name, count }) => say.times(count, name)),
          say,
        )})`
      : '';
  const from = after
    ? [
        distinct(summary.ips, say.ipAddresses, summary.checkoutIp, say),
        distinct(summary.devices, say.devices, summary.checkoutDevice, say),
      ].filter((part): part is string => part !== null)
    : [];
  const matches = [
    summary.checkoutIp ? say.fromCheckoutIp(summary.fromCheckoutIp, summary.checkoutIp) : null,
    summary.checkoutDevice ? say.fromCheckoutDevice(summary.fromCheckoutDevice, summary.checkoutDevice) : null,
  ].filter((part): part is string => part !== null);
  const text =
    `${label}${language === 'fr' ? ' :' : ':'} ${span}${kinds}${from.length > 0 ? say.from(from.join(` ${say.and} `)) : ''}.` +
    (matches.length > 0 ? ` ${matches.join(` ${say.and} `)}.` : '');
  return {
    id: `${SUMMARY_ID}${summary.period}`,
    kind: 'activity',
    text,
    // Dated by its first event: "after the payment" is then true of the fact's own time.
    at: summary.first,
    source,
    data: {
      activity_summary: summary.period,
      events: summary.events,
      first: summary.first,
      last: summary.last,
      ips: summary.ips.length,
      devices: summary.devices.length,
      checkout_ip: summary.checkoutIp,
      checkout_device: summary.checkoutDevice,
      from_checkout_ip: summary.fromCheckoutIp,
      from_checkout_device: summary.fromCheckoutDevice,
    },
  };
}

/** The summary facts of `facts`' activity, after the payment first; the activity's own source (sql, http). */
export function activitySummaryFacts(facts: readonly Fact[], language: Language = 'en'): Fact[] {
  const source = facts.find((fact) => fact.kind === 'activity')?.source ?? 'activity';
  return summariseActivity(facts).map((summary) => activitySummaryFact(summary, source, language));
}

/** `a, b and c`, or past NAMED_MAX, `a, b, c and 5 others`. */
function listed(items: readonly string[], say: ActivityWords): string {
  const shown = items.slice(0, NAMED_MAX);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} ${say.and} ${say.others(rest)}`;
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} ${say.and} ${shown.at(-1)}`;
}

/**
 * `1 IP address (203.0.113.4)`, `2 devices (a, b)`; past NAMED_MAX only the number when the checkout's own is known
 * (the next sentence compares with it), else the most used.
 */
function distinct(
  values: readonly { value: string; count: number }[],
  counted: (count: number) => string,
  checkout: string | null,
  say: ActivityWords,
): string | null {
  if (values.length === 0) return null;
  if (values.length <= NAMED_MAX) return `${counted(values.length)} (${values.map(({ value }) => value).join(', ')})`;
  const [top] = values;
  return checkout || !top
    ? counted(values.length)
    : `${counted(values.length)} (${say.mostUsed(top.value, top.count)})`;
}
