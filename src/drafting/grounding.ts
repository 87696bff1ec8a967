import type { FactSheet } from './fact-sheet.js';
import { MAX_REBUTTAL_CHARS } from './limits.js';
import {
  allMatches,
  brandsIn,
  extractMentions,
  type Mention,
  normaliseBrand,
  normaliseText,
  type ValueKind,
} from './values.js';

/**
 * The grounding check (docs/architecture.md → "Decisions"): a draft may cite only facts that exist and may state only
 * values (amounts, dates, times, IPs, emails, card details, ids, URLs, counts) that the fact
 * sheet contains, in whatever format. It may not claim a refund or credit no fact records, the
 * invention a model is most tempted by. Pure: text in, findings out.
 */

export type FindingKind =
  | 'unknown_fact'
  | 'no_citation'
  | 'empty'
  | 'length'
  | ValueKind
  | 'refund_claim'
  // Claim-level (drafting/claims.ts): an event no cited fact records, words the cited facts do not say, and a
  // statement that cites nothing yet says more than connecting words.
  | 'event_claim'
  | 'unsupported'
  | 'uncited';

export interface GroundingFinding {
  kind: FindingKind;
  /** What the draft said, as written. */
  value: string;
  message: string;
}

export interface GroundingResult {
  ok: boolean;
  findings: GroundingFinding[];
}

/** Findings in the order a reviewer should hear them: an invented refund or amount before a stray URL. */
export const SEVERITY: readonly FindingKind[] = [
  'empty',
  'length',
  'refund_claim',
  'event_claim',
  'amount',
  'unknown_fact',
  'unsupported',
  'uncited',
  'date',
  'time',
  'card',
  'ip',
  'email',
  'id',
  'url',
  'count',
  'no_citation',
];

export function checkGrounding(text: string, citedFacts: readonly string[], sheet: FactSheet): GroundingResult {
  const index = indexOf(sheet);
  const findings: GroundingFinding[] = [];
  const add = (kind: FindingKind, value: string, message: string) => {
    if (!findings.some((finding) => finding.kind === kind && finding.value === value)) {
      findings.push({ kind, value, message });
    }
  };

  if (text.trim() === '') add('empty', '', 'the rebuttal is empty');
  if (text.length > MAX_REBUTTAL_CHARS) {
    add(
      'length',
      `${text.length} characters`,
      `the rebuttal has ${text.length} characters; Stripe takes ${MAX_REBUTTAL_CHARS}`,
    );
  }
  for (const cited of citedFacts) {
    const ref = normaliseFactRef(cited);
    if (ref === null || !index.refs.has(ref))
      add('unknown_fact', cited, `cites ${cited}, which is not in the fact sheet`);
  }
  if (citedFacts.length === 0 && sheet.facts.length > 0) {
    add('no_citation', '', 'cites no facts; every rebuttal must rest on numbered facts');
  }
  for (const match of normaliseText(text).matchAll(/\bF(\d{1,4})\b/g)) {
    if (!index.refs.has(`F${match[1]}`))
      add('unknown_fact', match[0], `mentions ${match[0]}, which is not in the fact sheet`);
  }

  for (const finding of checkStatements(text, sheet)) add(finding.kind, finding.value, finding.message);
  findings.sort((a, b) => SEVERITY.indexOf(a.kind) - SEVERITY.indexOf(b.kind));
  return { ok: findings.length === 0, findings };
}

/** The values and refund claims in `text` that the sheet does not back; citations are not looked at. */
export function checkStatements(text: string, sheet: FactSheet): GroundingFinding[] {
  const index = indexOf(sheet);
  const findings: GroundingFinding[] = [];
  for (const mention of extractMentions(text, { currencies: index.currencies })) {
    if (mention.problem) findings.push({ kind: mention.kind, value: mention.raw, message: mention.problem });
    else if (!isGrounded(mention, index)) {
      findings.push({ kind: mention.kind, value: mention.raw, message: unknownValueMessage(mention) });
    }
  }
  if (!index.refundRecorded) {
    for (const claim of findRefundClaims(text, index.quotable)) {
      findings.push({
        kind: 'refund_claim',
        value: claim,
        message: `claims a refund or credit, but no fact records one: "${claim}"`,
      });
    }
  }
  return findings;
}

/** `F3`, `f3`, `[F3]`, `3` → `F3`; anything else → null. */
export function normaliseFactRef(value: string): string | null {
  const match = /^\s*\[?\s*F?(\d{1,4})\s*\]?\s*$/i.exec(value);
  return match ? `F${Number(match[1])}` : null;
}

const VALUE_NOUNS: Record<ValueKind, string> = {
  amount: 'amount',
  date: 'date',
  time: 'time',
  ip: 'IP address',
  email: 'email address',
  card: 'card detail',
  id: 'id',
  url: 'URL',
  count: 'number',
};

const counted = (count: number, noun: string) =>
  `${count} ${noun}${count === 1 ? '' : noun.endsWith('s') ? 'es' : 's'}`;

/**
 * What a refused draft did wrong, by kind and count, for a reviewer: "model stated a refund or credit that no fact
 * records; named 3 values not in the evidence (2 amounts, 1 date)". Never the refused sentences themselves: shown
 * next to a case, a hurried reader could take them for facts.
 */
export function describeFindings(findings: readonly GroundingFinding[], who = 'model'): string {
  if (findings.length === 0) return `${who}'s draft passed the grounding check`;
  const byKind = new Map<FindingKind, number>();
  for (const finding of findings) byKind.set(finding.kind, (byKind.get(finding.kind) ?? 0) + 1);
  const parts: string[] = [];
  const count = (kind: FindingKind) => byKind.get(kind) ?? 0;
  if (count('empty')) parts.push('wrote an empty rebuttal');
  if (count('length')) parts.push("wrote a rebuttal over Stripe's length limit");
  if (count('refund_claim')) {
    parts.push(
      count('refund_claim') === 1
        ? 'stated a refund or credit that no fact records'
        : `stated ${count('refund_claim')} refunds or credits that no fact records`,
    );
  }
  const events = [...new Set(findings.filter((finding) => finding.kind === 'event_claim').map((f) => f.value))];
  for (const event of events) {
    if (event === 'a refund or credit' && count('refund_claim')) continue; // said once, above
    parts.push(`stated ${event} that no cited fact records`);
  }
  const values = (Object.keys(VALUE_NOUNS) as ValueKind[]).filter((kind) => count(kind) > 0);
  const valueTotal = values.reduce((total, kind) => total + count(kind), 0);
  if (valueTotal > 0) {
    const detail =
      values.length > 1 ? ` (${values.map((kind) => counted(count(kind), VALUE_NOUNS[kind])).join(', ')})` : '';
    const noun = values.length === 1 && values[0] ? VALUE_NOUNS[values[0]] : 'value';
    parts.push(`named ${counted(valueTotal, noun)} not in the evidence${detail}`);
  }
  if (count('unknown_fact')) parts.push(`cited ${counted(count('unknown_fact'), 'fact')} that the sheet does not have`);
  if (count('unsupported')) parts.push(`made ${counted(count('unsupported'), 'statement')} its facts do not support`);
  if (count('uncited')) parts.push(`made ${counted(count('uncited'), 'claim')} citing no facts`);
  if (count('no_citation')) parts.push('cited no facts');
  return `${who} ${parts.join('; ')}`;
}

function unknownValueMessage(mention: Mention): string {
  if (mention.kind === 'date' && mention.all) {
    return `"${mention.raw}" can be read as two dates and the fact sheet does not have both; write the month as a word`;
  }
  return `${VALUE_NOUNS[mention.kind]} "${mention.raw}" does not appear in the fact sheet`;
}

// Refund claims ------------------------------------------------------------------------------

const REFUND_PATTERNS: RegExp[] = [
  /\b(?:re-?funded|reimbursed|credited(?:\s+back)?)\b/gi,
  /\b(?:issued|issuing|processed|processing|granted|provided|sent|gave|given|applied|made|initiated|completed|received|returned|paid)\b(?:\s+[\w'-]+){0,4}?\s+(?:re-?fund|credit|reimbursement|chargeback reversal)s?\b(?!\s*(?:card|or debit|limit|score|check|request|polic|window|period|eligib|terms|option|form))/gi,
  /\b(?:re-?fund|credit|reimbursement)s?\b(?:\s+[\w$.,'-]+){0,4}?\s+(?:was|were|has been|have been|had been|is being|got|is)\s+(?:issued|processed|granted|applied|made|sent|completed|initiated|posted|approved|returned)\b/gi,
  /\b(?:money|payment|funds|amount|charge)\s+(?:was|were|has been|have been|had been)\s+(?:returned|reversed|voided|refunded|given back|paid back)\b/gi,
  /\b(?:returned|reversed|voided)\s+(?:the|their|his|her|your)\s+(?:money|payment|funds|charge)\b/gi,
  // French, German, Spanish (docs/architecture.md → "The reader's language"): a refund done, not a refund policy.
  /(?<!\p{L})(?:rembours(?:é|ée|és|ées|ons|ions|ait|erons)|recrédité(?:e|s|es)?|restitué(?:e|s|es)?)(?!\p{L})/giu,
  /(?<!\p{L})(?:effectu|émi|accord|vers|procéd|trait)\p{L}*(?:\s+\S+){0,3}?\s+(?:au\s+|un\s+|le\s+)?rembourse?ments?(?!\p{L})/giu,
  /(?<!\p{L})rembourse?ments?(?:\s+\S+){0,4}?\s+(?:a\s+été|ont\s+été|est|sont|fut)\s+(?:effectu|émis|accord|vers|trait|réalis)\p{L}*/giu,
  /(?<!\p{L})(?:zurück|rück)?erstattet(?!\p{L})|(?<!\p{L})(?:gutgeschrieben|zurückgezahlt|zurücküberwiesen)(?!\p{L})/giu,
  /(?<!\p{L})(?:rück)?erstattung(?:en)?(?:\s+\S+){0,4}?\s+(?:wurde|wurden|ist|sind)(?:\s+\S+){0,5}?\s+(?:veranlasst|ausgeführt|bearbeitet|gewährt|geleistet|überwiesen|erfolgt)(?!\p{L})/giu,
  /(?<!\p{L})reembols(?:ado|ada|ados|adas|amos|é|ó|aron)(?!\p{L})/giu,
  /(?<!\p{L})(?:emiti|emitimos|realiz|proces|tramit|concedi|hici)\p{L}*(?:\s+\S+){0,3}?\s+(?:un\s+|el\s+)?reembolsos?(?!\p{L})/giu,
  /(?<!\p{L})reembolsos?(?:\s+\S+){0,4}?\s+(?:fue|fueron|ha\s+sido|han\s+sido|se\s+ha)\s+(?:emitid|procesad|realizad|tramitad|concedid|abonad)\p{L}*/giu,
  /(?<!\p{L})devol(?:vimos|vió|vieron)\s+(?:el|su|los|la)\s+(?:dinero|importe|pago|cargo)(?!\p{L})/giu,
];

/** Words that, just before a refund phrase, turn it into a denial, a request or a hypothesis. */
const NOT_A_CLAIM = new Set([
  'not',
  'never',
  'no',
  'without',
  'nor',
  'neither',
  'none',
  'nothing',
  'cannot',
  'if',
  'would',
  'could',
  'should',
  'can',
  'may',
  'might',
  'asked',
  'requested',
  'request',
  'requesting',
  'wanted',
  'wants',
  'demanded',
  'demands',
  'expects',
  'expected',
  'hoped',
  'claims',
  'claimed',
  'alleges',
  'alleged',
  'says',
  'said',
  'eligible',
  'be',
  // French, German, Spanish
  'ne',
  'pas',
  'jamais',
  'aucun',
  'aucune',
  'sans',
  'si',
  'pourrait',
  'peut',
  'demandé',
  'demande',
  'réclame',
  'affirme',
  'déclare',
  'dû',
  'nicht',
  'kein',
  'keine',
  'keinen',
  'nie',
  'niemals',
  'ohne',
  'wenn',
  'falls',
  'könnte',
  'kann',
  'verlangt',
  'fordert',
  'behauptet',
  'sei',
  'no',
  'nunca',
  'ningún',
  'ninguna',
  'sin',
  'podría',
  'puede',
  'pidió',
  'solicitó',
  'reclama',
  'afirma',
]);

/**
 * Phrases that assert money went back to the customer. Customer words quoted verbatim from an
 * untrusted fact are skipped: quoting what they wrote is not the business claiming it.
 */
export function findRefundClaims(text: string, quotable: readonly string[]): string[] {
  let scan = normaliseText(text);
  for (const match of allMatches(/"([^"]{8,})"|“([^”]{8,})”|«([^»]{8,})»/g, scan)) {
    const inner = flatten(match[1] ?? match[2] ?? match[3] ?? '');
    if (quotable.some((source) => flatten(source).includes(inner))) {
      scan = `${scan.slice(0, match.index)}${' '.repeat(match[0].length)}${scan.slice(match.index + match[0].length)}`;
    }
  }
  const claims: string[] = [];
  for (const pattern of REFUND_PATTERNS) {
    for (const match of allMatches(pattern, scan)) {
      const before = scan
        .slice(Math.max(0, match.index - 60), match.index)
        .split(/[.;:!?\n]/)
        .pop();
      const words = (before ?? '').toLowerCase().match(/[\p{L}'’]+/gu) ?? [];
      const window = words.slice(-4);
      const inside = match[0].toLowerCase().match(/[\p{L}'’]+/gu) ?? [];
      // "n't", and French "n'a pas": the elided ne.
      const denies = (word: string) => NOT_A_CLAIM.has(word) || word.endsWith("n't") || /^n['’]/.test(word);
      if ([...window, ...inside].some(denies)) continue;
      claims.push(sentenceAround(scan, match.index, match.index + match[0].length));
    }
  }
  return [...new Set(claims)];
}

/** The sentence a claim sits in, so a reviewer reads "we refunded the customer in full", not "refunded". */
function sentenceAround(text: string, start: number, end: number): string {
  const before = text.slice(0, start);
  const from = Math.max(
    before.lastIndexOf('. '),
    before.lastIndexOf('\n'),
    before.lastIndexOf('! '),
    before.lastIndexOf('? '),
  );
  const after = text.slice(end).search(/[.!?](\s|$)|\n/);
  const sentence = text
    .slice(from === -1 ? 0 : from + 1, after === -1 ? text.length : end + after + 1)
    .replace(/\s+/g, ' ')
    .trim();
  return sentence.length <= 160 ? sentence : `${sentence.slice(0, 159)}…`;
}

function flatten(text: string): string {
  return text
    .replace(/\\(["\\])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

// The sheet's index -------------------------------------------------------------------------

interface SheetIndex {
  /** `kind|canonical key` for every value the sheet contains. */
  keys: Set<string>;
  exactTokens: Set<string>;
  upperTokens: Set<string>;
  numbers: Set<string>;
  urlText: string;
  currencies: string[];
  refs: Set<string>;
  refundRecorded: boolean;
  quotable: string[];
}

const indexes = new WeakMap<FactSheet, SheetIndex>();
const RECORD_KINDS: ReadonlySet<string> = new Set(['dispute', 'charge', 'subscription', 'invoice', 'communication']);

function indexOf(sheet: FactSheet): SheetIndex {
  const cached = indexes.get(sheet);
  if (cached) return cached;
  const { context } = sheet;
  const currency = context.currency.toLowerCase();
  const currencies = new Set([currency]);
  for (const fact of sheet.facts) {
    if (typeof fact.data.currency === 'string') currencies.add(fact.data.currency.toLowerCase());
  }
  const index: SheetIndex = {
    keys: new Set([`amount|${currency}:${context.amount}`]),
    exactTokens: new Set(),
    upperTokens: new Set(),
    numbers: new Set(),
    urlText: '',
    currencies: [...currencies],
    refs: new Set(sheet.facts.map((fact) => fact.ref)),
    // A refund is on record when a trusted fact is about one, or a trusted payment record says one
    // happened; policies are left out, since "refunds are issued within 14 days" records nothing.
    refundRecorded: sheet.facts.some(
      (fact) =>
        !fact.untrusted &&
        (fact.kind === 'refund' || (RECORD_KINDS.has(fact.kind) && findRefundClaims(fact.text, []).length > 0)),
    ),
    quotable: sheet.facts.filter((fact) => fact.untrusted).map((fact) => fact.text),
  };

  const texts = [sheet.text, context.created, context.dueBy ?? ''];
  for (const fact of sheet.facts) {
    texts.push(fact.text, fact.at ?? '');
    for (const [key, value] of Object.entries(fact.data)) {
      if (typeof value === 'string') texts.push(value);
      if (typeof value === 'number' && /amount|price|total/i.test(key)) {
        const dataCurrency = typeof fact.data.currency === 'string' ? fact.data.currency.toLowerCase() : currency;
        index.keys.add(`amount|${dataCurrency}:${value}`);
      }
      if (/last_?4/i.test(key) && value !== null) index.keys.add(`card|last4:${String(value)}`);
      if (/brand/i.test(key) && typeof value === 'string') index.keys.add(`card|brand:${normaliseBrand(value)}`);
    }
  }
  if (context.cardBrand) index.keys.add(`card|brand:${normaliseBrand(context.cardBrand)}`);

  const urlTexts: string[] = [];
  // Activity facts repeat their IPs, devices and event names: each distinct text is scanned once.
  for (const text of new Set(texts)) {
    for (const mention of extractMentions(text, { currencies: index.currencies })) {
      // A count the sheet writes grouped another way (`1 500 événements`, `1.500 Ereignisse`) is one number.
      if (mention.kind === 'count') for (const key of mention.keys) index.numbers.add(key);
      for (const key of mention.keys) {
        index.keys.add(`${mention.kind}|${key}`);
        if (key.startsWith('d:')) index.keys.add(`${mention.kind}|md:${key.slice(7)}`);
      }
    }
    for (const brand of brandsIn(text)) index.keys.add(`card|brand:${brand}`);
    const normalised = normaliseText(text);
    for (const token of normalised.split(/[^A-Za-z0-9_-]+/)) {
      if (!token) continue;
      index.exactTokens.add(token);
      index.upperTokens.add(token.toUpperCase());
      for (const piece of token.split(/[-_]+/)) if (piece) index.upperTokens.add(piece.toUpperCase());
    }
    for (const number of normalised.match(/(?<![A-Za-z0-9])\d[\d,]*/g) ?? []) {
      index.numbers.add(number.replace(/,/g, ''));
      index.numbers.add(number.replace(/,$/, ''));
    }
    urlTexts.push(
      normalised
        .toLowerCase()
        .replace(/https?:\/\//g, '')
        .replace(/\bwww\./g, ''),
    );
  }
  index.urlText = urlTexts.join('\n');
  indexes.set(sheet, index);
  return index;
}

function isGrounded(mention: Mention, index: SheetIndex): boolean {
  const [first] = mention.keys;
  if (first === undefined) return false;
  if (mention.kind === 'url') return first.length > 0 && index.urlText.includes(first);
  if (mention.token === 'exact') return index.exactTokens.has(first);
  if (mention.token === 'upper') return index.upperTokens.has(first);
  if (mention.kind === 'count') return index.numbers.has(first);
  const known = (key: string) => index.keys.has(`${mention.kind}|${key}`);
  return mention.all ? mention.keys.every(known) : mention.keys.some(known);
}
