import type { Language } from '../dispute/language.js';
import { activitySummaryFacts, checkoutOf, isActivitySummary, paymentTime } from '../evidence/activity-summary.js';
import type { Fact, FactKind } from '../evidence/types.js';
import { localizeFacts } from '../i18n/facts.js';
import { formatAmount, formatTimestamp, plainText, quoteUntrusted } from './format.js';

/** The dispute basics every draft starts from. Amounts are minor units. */
export interface DraftContext {
  disputeId: string;
  /** Stripe's `dispute.reason`: `fraudulent`, `product_not_received`, … */
  reason: string;
  amount: number;
  currency: string;
  chargeId: string;
  /** When the dispute was opened (ISO 8601). */
  created: string;
  dueBy: string | null;
  cardBrand: string | null;
  /** Entered by the cardholder, so treated as customer text. */
  customerName: string | null;
  customerEmail: string | null;
  productDescription: string | null;
  businessName: string;
  /**
   * What the packet's activity log holds: every event, some (the page budget cut it: the first, the last and those
   * around the payment), or none. The rebuttal points to the log only as far as it is there. Default: every event.
   */
  activityLog?: 'complete' | 'partial' | 'absent';
  /**
   * The language the bank reads the rebuttal in (the product's, or for `auto` the card issuer country's): the template
   * writes its own words in it, the model is told to, the grounding check reads its values in it. Default: English.
   */
  language?: Language;
  /**
   * The points page 1 of the service documentation shows, in its order, each with the file (and pages) proving it
   * (cases.triage.cover): the rebuttal opens with the same points and says where each is. Without it, the playbook's
   * order and no locations.
   */
  cover?: readonly CoverLocation[];
}

/** One of the cover's points: its evidence item and where the packet proves it. */
export interface CoverLocation {
  item: string;
  file: string | null;
  pages: readonly [number, number] | null;
}

/** One fact as the drafter sees it: numbered `F1…Fn`, its text flattened to one safe line. */
export interface SheetFact {
  ref: string;
  /** The source's own id (`stripe.charge.avs`), kept so a citation leads back to the evidence. */
  id: string;
  kind: FactKind;
  /** One line, control characters removed, truncated; not yet quoted. */
  text: string;
  at: string | null;
  source: string;
  untrusted: boolean;
  data: Record<string, string | number | boolean | null>;
}

export interface FactSheet {
  context: DraftContext;
  facts: SheetFact[];
  /** What the model reads, and what the grounding check compares a draft against. */
  text: string;
}

/**
 * The order the sheet groups facts in: the payment and who made it, what was promised, what the
 * customer did with it, what they said, and any money already returned.
 */
export const KIND_ORDER: readonly FactKind[] = [
  'dispute',
  'charge',
  'payment_check',
  'customer',
  'prior_payment',
  'product',
  'policy',
  'policy_acceptance',
  'subscription',
  'invoice',
  'account',
  'activity',
  'deliverable',
  'communication',
  'refund',
];

const KIND_TITLES: Record<FactKind, string> = {
  dispute: 'Dispute',
  charge: 'Payment',
  payment_check: 'Payment checks',
  customer: 'Customer',
  prior_payment: 'Earlier payments on the same card',
  product: 'Product',
  policy: 'Policies',
  policy_acceptance: 'Policy acceptance',
  subscription: 'Subscription',
  invoice: 'Invoices',
  account: 'Account',
  activity: 'Account activity',
  deliverable: 'What was delivered',
  communication: 'Communication',
  refund: 'Refunds and credits',
};

/** Longest fact text the sheet shows; longer texts are cut at a word. */
export const FACT_TEXT_MAX = 600;
/** Customer text gets less room: enough to show what they said, too little to carry a long payload. */
export const UNTRUSTED_TEXT_MAX = 400;
const NAME_MAX = 120;

export const FACT_SHEET_OPEN = '<fact_sheet>';
export const FACT_SHEET_CLOSE = '</fact_sheet>';

/** The title of the summary facts' group: they come last, so the other facts keep their numbers. */
const SUMMARY_TITLE = 'Account activity in summary (counted from the activity facts above)';

/**
 * Numbers the facts (grouped by kind, chronological inside a group, undated last) and renders the sheet. The
 * activity's summary (evidence/activity-summary.ts) follows them, so a rebuttal that states counts of sessions,
 * IPs and devices rests on facts the grounding check can verify.
 */
export function buildFactSheet(stored: Fact[], context: DraftContext): FactSheet {
  // The facts as the bank reads them: their sentences in the rebuttal's language, from the same values (i18n/facts.ts).
  const facts = localizeFacts(stored, context.language ?? 'en');
  const ordered = facts
    .map((fact, index) => ({ fact, index, time: timeOf(fact.at) }))
    .sort(
      (a, b) =>
        KIND_ORDER.indexOf(a.fact.kind) - KIND_ORDER.indexOf(b.fact.kind) ||
        compareTimes(a.time, b.time) ||
        a.index - b.index,
    );
  // The summary is rebut's own sentence: written in the rebuttal's language, its figures the same in all.
  const summaries = facts.some(isActivitySummary) ? [] : activitySummaryFacts(facts, context.language);
  const sheetFacts = [...ordered.map(({ fact }) => fact), ...summaries].map((fact, index): SheetFact => {
    const untrusted = fact.untrusted === true;
    return {
      ref: `F${index + 1}`,
      id: fact.id,
      kind: fact.kind,
      text: plainText(fact.text, untrusted ? UNTRUSTED_TEXT_MAX : FACT_TEXT_MAX),
      at: fact.at,
      source: plainText(fact.source, 40),
      untrusted,
      data: fact.data ?? {},
    };
  });
  return { context, facts: sheetFacts, text: renderSheet(context, sheetFacts) };
}

export function findFact(sheet: FactSheet, ref: string): SheetFact | undefined {
  return sheet.facts.find((fact) => fact.ref === ref);
}

/** Facts with a known time, earliest first; what "chronological" means in a rebuttal. */
export function chronological(facts: readonly SheetFact[]): SheetFact[] {
  return facts
    .map((fact, index) => ({ fact, index, time: timeOf(fact.at) }))
    .sort((a, b) => compareTimes(a.time, b.time) || a.index - b.index)
    .map(({ fact }) => fact);
}

function renderSheet(context: DraftContext, facts: SheetFact[]): string {
  const lines = [FACT_SHEET_OPEN, 'DISPUTE'];
  lines.push(`Business: ${plainText(context.businessName, NAME_MAX)}`);
  lines.push(`Dispute: ${plainText(context.disputeId, 80)}`);
  lines.push(`Reason: ${plainText(context.reason, 40)}`);
  lines.push(`Amount: ${formatAmount(context.amount, context.currency)} (${context.currency.toUpperCase()})`);
  lines.push(`Charge: ${plainText(context.chargeId, 80)}`);
  lines.push(`Dispute opened: ${formatTimestamp(context.created)}`);
  if (context.dueBy) lines.push(`Evidence due by: ${formatTimestamp(context.dueBy)}`);
  if (context.cardBrand) lines.push(`Card brand: ${plainText(context.cardBrand, 40)}`);
  if (context.productDescription) lines.push(`Product: ${plainText(context.productDescription, FACT_TEXT_MAX)}`);
  if (context.customerName) {
    lines.push(
      `Customer name (customer-supplied, quoted): ${quoteUntrusted(plainText(context.customerName, NAME_MAX))}`,
    );
  }
  if (context.customerEmail) {
    lines.push(
      `Customer email (customer-supplied, quoted): ${quoteUntrusted(plainText(context.customerEmail, NAME_MAX))}`,
    );
  }
  lines.push('', 'FACTS (cite them by number)');
  const listed = listedActivity(facts);
  const unlisted = facts.filter((fact) => isActivityEvent(fact) && !listed.has(fact)).length;
  let title: string | null = null;
  for (const fact of facts) {
    const factTitle = isActivitySummary(fact) ? SUMMARY_TITLE : KIND_TITLES[fact.kind];
    if (factTitle !== title) {
      if (title === KIND_TITLES.activity && unlisted > 0) lines.push(unlistedNote(unlisted));
      title = factTitle;
      lines.push(`[${title}]`);
    }
    if (!isActivityEvent(fact) || listed.has(fact)) lines.push(renderFactLine(fact));
  }
  if (title === KIND_TITLES.activity && unlisted > 0) lines.push(unlistedNote(unlisted));
  if (facts.length === 0) lines.push('(no facts were found)');
  lines.push(FACT_SHEET_CLOSE);
  return lines.join('\n');
}

/**
 * Activity events the sheet lists one by one; past this many, the model reads the ones that tell most (the checkout,
 * the first uses after the payment, the last ones, those just before it) and the summary facts count the rest. A
 * customer with 5,000 rows would otherwise fill the prompt with logins the rebuttal must not list anyway.
 */
export const ACTIVITY_LISTED_MAX = 24;
const LISTED_AFTER_PAYMENT = 12;
const LISTED_LAST = 6;
const LISTED_BEFORE_PAYMENT = 6;

/** A dated activity fact that records one event (not a summary of them). */
const isActivityEvent = (fact: SheetFact) => fact.kind === 'activity' && fact.at !== null && !isActivitySummary(fact);

function listedActivity(facts: readonly SheetFact[]): Set<SheetFact> {
  const events = facts.filter(isActivityEvent);
  if (events.length <= ACTIVITY_LISTED_MAX) return new Set(events);
  const paidAt = paymentTime(facts) ?? Number.POSITIVE_INFINITY;
  const firstAfter = events.findIndex((fact) => Date.parse(fact.at ?? '') >= paidAt);
  const after = firstAfter === -1 ? events.length : firstAfter;
  const checkout = checkoutOf(facts).event;
  return new Set([
    ...events.slice(Math.max(0, after - LISTED_BEFORE_PAYMENT), after + LISTED_AFTER_PAYMENT),
    ...events.slice(-LISTED_LAST),
    ...events.filter((fact) => fact === checkout),
  ]);
}

function unlistedNote(count: number): string {
  return `(${count.toLocaleString('en-US')} further activity events are not listed here: the summary facts at the end count every one, and the service documentation lists them.)`;
}

/** `F3 · 2026-03-04 14:03 UTC · stripe · text`; customer text is marked and quoted. */
export function renderFactLine(fact: SheetFact): string {
  const when = fact.at ? formatTimestamp(fact.at) : 'undated';
  const text = fact.untrusted ? `customer-supplied, quoted: ${quoteUntrusted(fact.text)}` : fact.text;
  return `${fact.ref} · ${when} · ${fact.source} · ${text}`;
}

function timeOf(at: string | null): number | null {
  if (!at) return null;
  const time = Date.parse(at);
  return Number.isNaN(time) ? null : time;
}

function compareTimes(a: number | null, b: number | null): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}
