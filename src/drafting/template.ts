import type { FactKind } from '../evidence/types.js';
import { chronological, type FactSheet, type SheetFact } from './fact-sheet.js';
import { formatAmount, formatDateTime, plainText, truncate } from './format.js';
import { checkGrounding, checkStatements } from './grounding.js';
import { TARGET_REBUTTAL_CHARS } from './limits.js';
import { type ReasonStrategy, strategyFor } from './strategies.js';

export { REASON_STRATEGIES, type ReasonStrategy, STRIPE_ADVICE, strategyFor } from './strategies.js';

/**
 * The deterministic drafter: what runs without an API key, and what replaces a model draft that
 * failed. It only copies the sheet's own sentences, in time order, under the reason's strategy,
 * and checks every line it writes, so its output always passes the grounding check.
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

export function draftFromTemplate(sheet: FactSheet, maxChars: number = TARGET_REBUTTAL_CHARS): TemplateDraft {
  const { context } = sheet;
  const strategy = strategyFor(context.reason);
  const business = plainText(context.businessName, 120);
  // A reason evidence cannot win is answered, not contested: the draft says what the business concedes.
  const header = `${business} ${strategy.concession ? 'answers' : 'contests'} dispute ${context.disputeId} on charge ${context.chargeId} for ${formatAmount(
    context.amount,
    context.currency,
  )}. ${strategy.claim}`;
  const customer = customerLine(sheet);
  const closing = strategy.concession
    ? `${business} ${strategy.concession}`
    : `Based on these records, ${business} asks that this dispute be decided in its favour.`;

  const candidates = rankedCandidates(sheet, strategy);
  const paidAt = chargeTime(sheet);
  const allPoints = pointsFor(strategy, sheet.facts, paidAt).join(' ');
  let budget = maxChars - [header, customer, allPoints, 'Timeline:', 'Other records:', closing].join('\n\n').length;
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
  let text = render(header, customer, strategy, chosen, closing, paidAt);
  let citedFacts = citations(chosen);
  while (!checkGrounding(text, citedFacts, sheet).ok && chosen.length > 0) {
    const dropped = chosen.pop();
    if (dropped) omitted.push(dropped.fact.ref);
    text = render(header, customer, strategy, chosen, closing, paidAt);
    citedFacts = citations(chosen);
  }

  return { text, citedFacts, weaknesses: weaknessesOf(sheet, strategy), omittedFacts: omitted };
}

interface Candidate {
  fact: SheetFact;
  line: string;
}

/** Every fact that can be stated, most important first; each line has passed the grounding check on its own. */
function rankedCandidates(sheet: FactSheet, strategy: ReasonStrategy): Candidate[] {
  const rank = (kind: FactKind) => {
    const position = strategy.priority.indexOf(kind);
    return position === -1 ? strategy.priority.length : position;
  };
  // Within a kind, what happened after the payment comes first (use after paying is what proves
  // the sale), then earlier history, most recent first.
  const paidAt = chargeTime(sheet);
  const recency = (fact: SheetFact) => {
    const at = fact.at ? Date.parse(fact.at) : Number.NaN;
    if (Number.isNaN(at) || paidAt === undefined) return 0;
    return at >= paidAt ? at - paidAt : Number.MAX_SAFE_INTEGER / 2 + (paidAt - at);
  };
  const ordered = chronological(sheet.facts).sort((a, b) => rank(a.kind) - rank(b.kind) || recency(a) - recency(b));
  const candidates: Candidate[] = [];
  for (const fact of ordered) {
    const sentence = factSentence(fact);
    if (sentence === null) continue;
    const line = [truncate(sentence, LINE_MAX), sentence]
      .map((text) => `- ${fact.at ? `${formatDateTime(fact.at)}: ` : ''}${text}`)
      .find((candidate) => checkStatements(candidate, sheet).length === 0);
    if (line) candidates.push({ fact, line });
  }
  return candidates;
}

/** When the disputed payment was made: the earliest time on a charge fact. */
function chargeTime(sheet: FactSheet): number | undefined {
  const times = sheet.facts
    .filter((fact) => fact.kind === 'charge' && fact.at)
    .map((fact) => Date.parse(fact.at ?? ''))
    .filter((time) => !Number.isNaN(time));
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** What the template says about a fact; customer-written text is referred to, never repeated. */
function factSentence(fact: SheetFact): string | null {
  if (fact.untrusted) return fact.kind === 'communication' ? 'The customer wrote to us.' : null;
  // Stripe's advice: no links in the rebuttal (the analyst cannot open them); the files carry them.
  // A sentence that opens with its own timestamp loses it: the timeline line already starts with the time.
  const text = fact.text
    .replace(/\b(?:https?:\/\/|www\.)[^\s<>"']+/gi, '(link on file)')
    .replace(fact.at ? /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?(?: ?UTC|Z)?:\s*/ : /^$/, '')
    .trim()
    .replace(/^[a-z]/, (first) => first.toUpperCase());
  if (text === '') return null;
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

function customerLine(sheet: FactSheet): string {
  const { customerName, customerEmail } = sheet.context;
  const parts = [customerName, customerEmail]
    .filter((part): part is string => Boolean(part))
    .map((part) => plainText(part, 80));
  if (parts.length === 0) return '';
  const line = `Customer: ${parts.join(', ')}.`;
  // A name the customer typed may read as a claim ("refunded"); then the rebuttal goes without it.
  return checkStatements(line, sheet).length === 0 ? line : '';
}

function render(
  header: string,
  customer: string,
  strategy: ReasonStrategy,
  chosen: Candidate[],
  closing: string,
  paidAt: number | undefined,
): string {
  const points = pointsFor(
    strategy,
    chosen.map((candidate) => candidate.fact),
    paidAt,
  );
  const dated = chronological(chosen.filter((candidate) => candidate.fact.at).map((candidate) => candidate.fact));
  const lineOf = new Map(chosen.map((candidate) => [candidate.fact.ref, candidate.line]));
  const timeline = dated.map((fact) => lineOf.get(fact.ref) ?? '');
  const undated = chosen.filter((candidate) => !candidate.fact.at).map((candidate) => candidate.line);

  const sections = [customer ? `${header}\n${customer}` : header];
  if (points.length > 0) sections.push(points.join(' '));
  if (timeline.length > 0) sections.push(['Timeline:', ...timeline].join('\n'));
  if (undated.length > 0) sections.push(['Other records:', ...undated].join('\n'));
  sections.push(closing);
  return sections.join('\n\n');
}

/** The strategy's sentences that the included facts make true, each once. */
function pointsFor(strategy: ReasonStrategy, facts: readonly SheetFact[], paidAt: number | undefined): string[] {
  return [...new Set(strategy.points.map((point) => point(facts, paidAt)).filter((text) => text !== null))];
}

function citations(chosen: Candidate[]): string[] {
  return chosen.map((candidate) => candidate.fact.ref).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

function weaknessesOf(sheet: FactSheet, strategy: ReasonStrategy): string[] {
  if (sheet.facts.length === 0) return ['No evidence was found; the rebuttal states only the dispute details.'];
  const kinds = new Set(sheet.facts.filter((fact) => !fact.untrusted).map((fact) => fact.kind));
  return strategy.gaps.filter((gap) => !gap.kinds.some((kind) => kinds.has(kind))).map((gap) => gap.text);
}
