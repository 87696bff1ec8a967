import { checkoutOf, isActivitySummary, paymentTime } from '../evidence/activity-summary.js';
import { strongestPoints } from '../evidence/playbook/strongest.js';
import { factTime } from '../i18n/facts.js';
import { REBUTTAL_MESSAGES, type RebuttalMessages } from '../i18n/rebuttal.js';
import { chronological, type DraftContext, type FactSheet, type SheetFact } from './fact-sheet.js';
import { formatAmountIn, formatDateTime, plainText, truncate } from './format.js';
import { checkGrounding, checkStatements } from './grounding.js';
import { DEFAULT_REBUTTAL_MAX_CHARS } from './limits.js';
import { type ReasonStrategy, strategyFor } from './strategies.js';

export { REASON_STRATEGIES, type ReasonStrategy, STRIPE_ADVICE, strategyFor } from './strategies.js';

/**
 * The deterministic drafter: what runs without an API key, and what replaces a model draft that
 * failed. It only copies the sheet's own sentences, in time order, under the reason's strategy,
 * and checks every line it writes, so its output always passes the grounding check. The activity is
 * stated as its summary (counts, first and last, IPs and devices against the checkout's), never
 * event by event: the full log is in the service documentation, where an analyst can check it. Its own words are in
 * the rebuttal's language (`context.language`, src/i18n/rebuttal.ts); the facts' sentences are the evidence's.
 */
export interface TemplateDraft {
  text: string;
  citedFacts: string[];
  weaknesses: string[];
  /** Facts left out to stay within the length target (lowest priority first). */
  omittedFacts: string[];
}

/** Longest single fact line; a long fact is cut at a word, and dropped if the cut loses a value. */
const LINE_MAX = 320;

export function draftFromTemplate(sheet: FactSheet, maxChars: number = DEFAULT_REBUTTAL_MAX_CHARS): TemplateDraft {
  const { context } = sheet;
  const language = context.language ?? 'en';
  const say = REBUTTAL_MESSAGES[language];
  const strategy = strategyFor(context.reason);
  const business = plainText(context.businessName, 120);
  // A reason evidence cannot win is answered, not contested: the draft says what the business concedes.
  const opening = openingOf(sheet, maxChars, say);
  const header = `${say.header({
    business,
    contests: !strategy.concession,
    disputeId: context.disputeId,
    chargeId: context.chargeId,
    amount: formatAmountIn(context.amount, context.currency, language),
  })} ${say.claims[strategy.reason]}${opening.answer ? ` ${opening.answer}` : ''}`;
  const customer = customerLine(sheet, say);
  const closing = strategy.concession ? say.concessions[strategy.concession](business) : say.closing(business);

  // The use after the payment, once: the opening states its summary in full, so the activity section does not.
  const candidates = rankedCandidates(sheet, strategy, say).filter(
    (candidate) => !opening.stated.includes(candidate.fact.ref),
  );
  const paidAt = paymentTime(sheet.facts);
  // The opening says what the evidence shows and where; the strategy's "… is listed below" sentences would repeat it.
  const allPoints = opening.text === '' ? pointsFor(strategy, sheet.facts, paidAt, say).join(' ') : '';
  // The longest activity heading (the partial log's) where a summary may be stated, and the timeline's two: which
  // ones it gets depends on the facts chosen.
  const headings = [
    candidates.some((candidate) => isActivitySummary(candidate.fact)) ? say.activityHeadings.partial : '',
    say.stripeRecords,
    say.otherRecords,
  ];
  let budget = maxChars - [header, customer, opening.text, allPoints, ...headings, closing].join('\n\n').length;
  const chosen: Candidate[] = [];
  const omitted: string[] = [];
  for (const candidate of candidates) {
    if (candidate.line.length + 1 <= budget) {
      chosen.push(candidate);
      budget -= candidate.line.length + 1;
    } else {
      omitted.push(candidate.fact.ref);
    }
  }

  // Guard against a value split across two lines reading as something else; drop the least important until clean.
  const draw = () =>
    render(say, header, customer, opening.text, strategy, chosen, closing, paidAt, context.activityLog ?? 'complete');
  let text = draw();
  let citedFacts = citations(chosen, opening.refs);
  while (!checkGrounding(text, citedFacts, sheet).ok && chosen.length > 0) {
    const dropped = chosen.pop();
    if (dropped) omitted.push(dropped.fact.ref);
    text = draw();
    citedFacts = citations(chosen, opening.refs);
  }

  return { text, citedFacts, weaknesses: weaknessesOf(sheet, strategy), omittedFacts: omitted };
}

interface Candidate {
  fact: SheetFact;
  line: string;
}

/** Every fact that can be stated, most important first; each line has passed the grounding check on its own. */
function rankedCandidates(sheet: FactSheet, strategy: ReasonStrategy, say: RebuttalMessages): Candidate[] {
  const stated = statedFacts(sheet, strategy);
  // The activity's summaries go first: one line each, standing for every event the business recorded.
  const rank = (fact: SheetFact) => {
    if (isActivitySummary(fact)) return -1;
    const position = strategy.priority.indexOf(fact.kind);
    return position === -1 ? strategy.priority.length : position;
  };
  // Within a kind, what happened after the payment comes first (use after paying is what proves
  // the sale), then earlier history, most recent first.
  const paidAt = paymentTime(sheet.facts);
  const recency = (fact: SheetFact) => {
    const at = fact.at ? Date.parse(fact.at) : Number.NaN;
    if (Number.isNaN(at) || paidAt === undefined) return 0;
    return at >= paidAt ? at - paidAt : Number.MAX_SAFE_INTEGER / 2 + (paidAt - at);
  };
  const ordered = chronological(stated).sort((a, b) => rank(a) - rank(b) || recency(a) - recency(b));
  const candidates: Candidate[] = [];
  for (const fact of ordered) {
    const sentence = factSentence(fact, say);
    if (sentence === null) continue;
    const dated = fact.at && !isActivitySummary(fact);
    // A summary is stated whole: cut, it would lose the comparison with the checkout.
    const line = (dated ? [truncate(sentence, LINE_MAX), sentence] : [sentence])
      .map((text) => `- ${dated && fact.at ? say.dated(formatDateTime(fact.at, sheet.context.language), text) : text}`)
      .find((candidate) => checkStatements(candidate, sheet).length === 0);
    if (line) candidates.push({ fact, line });
  }
  return candidates;
}

/**
 * The facts the template may state: where the activity has a summary, the summary stands for the events it counts
 * (the checkout event stays: it is the purchase itself); the use before the payment only where the reason needs
 * prior use, and labelled as such.
 */
function statedFacts(sheet: FactSheet, strategy: ReasonStrategy): SheetFact[] {
  const summarised = sheet.facts.some(isActivitySummary);
  const checkout = summarised ? checkoutOf(sheet.facts).event : null;
  return sheet.facts.filter((fact) => {
    if (isActivitySummary(fact)) return fact.data.activity_summary === 'after' || strategy.priorUse;
    return !(summarised && fact.kind === 'activity' && fact.at && fact !== checkout);
  });
}

/** "Stripe's records" when Stripe's are all the rebuttal has: the analyst knows what they are reading. */
function timelineHeading(facts: readonly SheetFact[], say: RebuttalMessages): string {
  return facts.length > 0 && facts.every((fact) => fact.source === 'stripe') ? say.stripeRecords : say.timeline;
}

/** What the template says about a fact; customer-written text is referred to, never repeated. */
function factSentence(fact: SheetFact, say: RebuttalMessages): string | null {
  if (fact.untrusted) return fact.kind === 'communication' ? say.customerWrote : null;
  // Stripe's advice: no links in the rebuttal (the analyst cannot open them); the files carry them.
  // A sentence that opens with its own timestamp loses it, and one that says it later ("succeeded on 2026-11-16 18:34
  // UTC", "started on 2026-09-14") loses it with the words before it: the timeline line already starts with the time.
  const linked = fact.text
    .replace(/\b(?:https?:\/\/|www\.)[^\s<>"']+/gi, '(link on file)')
    .replace(fact.at ? /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?(?: ?UTC|Z)?:\s*/ : /^$/, '');
  const text = (fact.at && !isActivitySummary(fact) ? withoutOwnTime(linked, fact.at, say) : linked)
    .trim()
    .replace(/^[a-z]/, (first) => first.toUpperCase());
  if (text === '') return null;
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

/**
 * The sentence without ` on 2026-11-16 18:34 UTC`, the fact's own time as its sentence writes it (`factTime`) after one
 * of its words; or, where it names no such time, without ` on 2026-09-14`, the fact's own day alone, where it follows
 * one of the words that say the fact happened (`ownDayAfter`: a subscription "started on", an invoice "paid on"). A
 * date after other words (`depuis le`, `que cubre del`), or with a time, is kept: the sentence needs it, or it is
 * another event's.
 */
function withoutOwnTime(text: string, at: string, say: RebuttalMessages): string {
  const literal = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const words = `\\s+(?:${say.ownTimeWords.map(literal).join('|')})\\s+`;
  const timed = text.replace(new RegExp(`${words}${literal(factTime(at))}(?![\\d:])`, 'g'), '');
  if (timed !== text) return timed;
  const after = `(?<=(?:^|\\s)(?:${say.ownDayAfter.map(literal).join('|')}))`;
  return text.replace(new RegExp(`${after}${words}${literal(at.slice(0, 10))}(?![\\d:-]|\\s+\\d)`, 'u'), '');
}

function customerLine(sheet: FactSheet, say: RebuttalMessages): string {
  const { customerName, customerEmail } = sheet.context;
  const parts = [customerName, customerEmail]
    .filter((part): part is string => Boolean(part))
    .map((part) => plainText(part, 80));
  if (parts.length === 0) return '';
  const line = say.customer(parts.join(', '));
  // A name the customer typed may read as a claim ("refunded"); then the rebuttal goes without it.
  return checkStatements(line, sheet).length === 0 ? line : '';
}

function render(
  say: RebuttalMessages,
  header: string,
  customer: string,
  opening: string,
  strategy: ReasonStrategy,
  chosen: Candidate[],
  closing: string,
  paidAt: number | undefined,
  activityLog: NonNullable<DraftContext['activityLog']>,
): string {
  const points = pointsFor(
    strategy,
    chosen.map((candidate) => candidate.fact),
    paidAt,
    say,
  );
  const summaries = chosen
    .filter((candidate) => isActivitySummary(candidate.fact))
    .sort(
      (a, b) =>
        (a.fact.data.activity_summary === 'after' ? -1 : 0) - (b.fact.data.activity_summary === 'after' ? -1 : 0),
    )
    .map((candidate) => candidate.line);
  const events = chosen.filter((candidate) => !isActivitySummary(candidate.fact));
  const dated = chronological(events.filter((candidate) => candidate.fact.at).map((candidate) => candidate.fact));
  const lineOf = new Map(chosen.map((candidate) => [candidate.fact.ref, candidate.line]));
  const timeline = dated.map((fact) => lineOf.get(fact.ref) ?? '');
  const undated = events.filter((candidate) => !candidate.fact.at).map((candidate) => candidate.line);

  const sections = [customer ? `${header}\n${customer}` : header];
  if (opening) sections.push(opening);
  else if (points.length > 0) sections.push(points.join(' '));
  if (summaries.length > 0) {
    sections.push([say.activityHeadings[activityLog], ...summaries].join('\n'));
  }
  if (timeline.length > 0) sections.push([timelineHeading(dated, say), ...timeline].join('\n'));
  if (undated.length > 0) sections.push([say.otherRecords, ...undated].join('\n'));
  sections.push(closing);
  return sections.join('\n\n');
}

/** The strategy's sentences that the included facts make true, each once. */
function pointsFor(
  strategy: ReasonStrategy,
  facts: readonly SheetFact[],
  paidAt: number | undefined,
  say: RebuttalMessages,
): string[] {
  return [...new Set(strategy.points.map((point) => point(facts, paidAt, say)).filter((text) => text !== null))];
}

function citations(chosen: Candidate[], opening: readonly string[] = []): string[] {
  return [...new Set([...opening, ...chosen.map((candidate) => candidate.fact.ref)])].sort(
    (a, b) => Number(a.slice(1)) - Number(b.slice(1)),
  );
}

function weaknessesOf(sheet: FactSheet, strategy: ReasonStrategy): string[] {
  if (sheet.facts.length === 0) return ['No evidence was found; the rebuttal states only the dispute details.'];
  const kinds = new Set(sheet.facts.filter((fact) => !fact.untrusted).map((fact) => fact.kind));
  return strategy.gaps.filter((gap) => !gap.kinds.some((kind) => kinds.has(kind))).map((gap) => gap.text);
}

/** The opening's English words (each language's are in i18n/rebuttal.ts, `opening`). */
export const OPENING_WORDS = REBUTTAL_MESSAGES.en.opening;

/** The opening shows at most this many points: the rebuttal is 1,500 characters, and the facts need the rest. */
const OPENING_POINTS = 3;
/** The opening never takes more than this share of the length target. */
const OPENING_SHARE = 0.4;

/**
 * The rebuttal opens as page 1 of the service documentation does: the business's answer in one sentence, then the
 * strongest points for the reason in the cover's order, each saying where the analyst finds its proof. Each line is
 * built from the sheet's facts (evidence/playbook/strongest.ts) and kept only if the grounding check accepts it.
 */
function openingOf(
  sheet: FactSheet,
  maxChars: number,
  say: RebuttalMessages,
): { answer: string; text: string; refs: string[]; stated: string[] } {
  const { answer, points } = coverOpening(sheet);
  const words = say.opening;
  const lines = points.map((point) => ({ ...point, line: words.line(point.text, point.where) }));
  const fits = () => [words.heading, ...lines.map((entry) => entry.line)].join('\n').length <= maxChars * OPENING_SHARE;
  while (lines.length > 0 && !fits()) lines.pop();
  if (lines.length === 0) return { answer, text: '', refs: [], stated: [] };
  return {
    answer,
    text: [words.heading, ...lines.map((entry) => entry.line)].join('\n'),
    refs: lines.flatMap((entry) => entry.refs),
    stated: lines.flatMap((entry) => entry.stated),
  };
}

export interface OpeningPoint {
  text: string;
  /** Where the analyst finds its proof (`service documentation, pages 5–6`, `receipt file`), when the packet says. */
  where: string | null;
  /** The sheet's fact numbers it rests on. */
  refs: string[];
  /** Facts whose own words the point is (the activity summary's), not to be stated twice. */
  stated: string[];
}

/**
 * The answer and the strongest points as the cover states them, built from the sheet's facts in the cover's order
 * (the playbook's without a packet), each kept only if the grounding check accepts it: the template's opening, and
 * what the model is asked to open with (prompt.ts).
 */
export function coverOpening(sheet: FactSheet): { answer: string; points: OpeningPoint[] } {
  const { context } = sheet;
  const cover = context.cover ?? [];
  const language = context.language ?? 'en';
  const words = REBUTTAL_MESSAGES[language].opening;
  const strongest = strongestPoints(
    context.reason,
    sheet.facts,
    cover.length > 0 ? cover.map((entry) => entry.item) : undefined,
    OPENING_POINTS,
    language,
  );
  const answer = checkStatements(strongest.answer, sheet).length === 0 ? strongest.answer : '';
  const refOf = new Map(sheet.facts.map((fact) => [fact.id, fact.ref]));
  const points: OpeningPoint[] = [];
  for (const point of strongest.points) {
    const refs = point.cites.flatMap((id) => refOf.get(id) ?? []);
    if (refs.length === 0) continue;
    // The use after the payment in the summary's own words: counts, IPs and devices against the checkout's.
    const summary = point.item === 'post_payment_activity' ? sheet.facts.find(isAfterSummary) : undefined;
    const text = summary ? summary.text.replace(/\.$/, '') : point.text;
    const entry = cover.find((located) => located.item === point.item);
    const where = entry?.file
      ? entry.pages
        ? words.pages(entry.file, entry.pages[0], entry.pages[1])
        : words.file(entry.file)
      : null;
    if (checkStatements(words.line(text, where), sheet).length > 0) continue;
    points.push({ text, where, refs, stated: summary ? [summary.ref] : [] });
  }
  return { answer, points };
}

const isAfterSummary = (fact: SheetFact) => isActivitySummary(fact) && fact.data.activity_summary === 'after';
