import type { FactKind } from '../dispute/facts.js';
import type { Language } from '../dispute/language.js';
import {
  AFTER_PAYMENT,
  FOREIGN_CONNECTIVES,
  FOREIGN_DENIALS,
  FOREIGN_EVENTS,
  type ForeignLanguage,
} from './claims-languages.js';
import type { FactSheet, SheetFact } from './fact-sheet.js';
import { checkStatements, type GroundingFinding, normaliseFactRef } from './grounding.js';
import { extractMentions, normaliseText } from './values.js';

/**
 * Claim-level grounding: the model answers with its rebuttal as statements, each naming the facts it rests on, and a
 * statement is accepted only if its own facts back it:
 * - every value in it (amount, date, IP, id …) is in the facts it cites, not merely somewhere in the sheet;
 * - every word that carries meaning is in those facts, or is one of a closed set of connecting words (`CONNECTIVES`)
 *   that assert nothing on their own. So a refund, a contact, a delivery, a verification or a denial ("never",
 *   "not") that no cited fact records is refused whatever words carry it: a new phrasing of an old lie, a hedge, a
 *   passive, another language, is still words the facts do not have. The check allows what the facts say; it does
 *   not look for what lies say.
 * - a statement that cites nothing may only connect: no values, no words beyond the connecting ones.
 * Customer-written text is never support (a customer's "you refunded me" backs nothing), but quoting it verbatim
 * inside quotation marks is allowed. What the check cannot see is written in README → "Grounding".
 */
export interface Statement {
  text: string;
  /** The facts the statement rests on: `F3`, as numbered in the sheet. */
  facts: readonly string[];
}

/**
 * Words that connect or frame and assert no event on their own: articles, pronouns, prepositions, auxiliaries, and
 * the nouns every rebuttal uses to name its parties and its documents. Growing this list widens what passes, so a
 * word joins it only if no sentence could state a fact through it (no verbs of doing, no negations, no numbers).
 */
export const CONNECTIVES: ReadonlySet<string> = new Set(
  (
    'a an the and or but so as of to in on at by for from with within into onto over under after before during ' +
    'since until than then this that these those it its they them their theirs he him his she her hers we us our ' +
    'ours you your i my me who whom whose which what when where while also both each every all any some ' +
    'is are was were be been being has have had do does did there here per via about above below following ' +
    'listed list record records recorded show shows shown showed attached include includes included including ' +
    'evidence document documents documentation fact facts detail details information time times date dates ' +
    'customer customers cardholder cardholders business merchant company dispute disputes disputed payment ' +
    'payments charge charges card cards bank issuer account accounts product products service services ' +
    'contest contests contested ask asks request requests decide decided favour favor based respectfully ' +
    'please therefore thus because which whose own such other utc gmt'
  ).split(' '),
);

/** What a fact of a kind shows by being on record, beyond its own words (a communication is a message, …). */
const KIND_WORDS: Partial<Record<FactKind, readonly string[]>> = {
  communication: ['wrote', 'write', 'message', 'messages', 'contact', 'contacted', 'correspondence', 'email'],
  activity: ['use', 'used', 'usage', 'activity', 'active'],
  deliverable: ['deliver', 'delivered', 'delivery', 'produce', 'produced', 'create', 'created'],
  policy_acceptance: ['accept', 'accepted', 'agree', 'agreed', 'policy', 'terms'],
  prior_payment: ['earlier', 'prior', 'previous', 'payment', 'paid'],
  subscription: ['subscription', 'subscribed'],
  invoice: ['invoice', 'invoiced', 'billed'],
  refund: ['refund', 'refunded'],
  policy: ['policy', 'policies', 'terms', 'state', 'states', 'say', 'says'],
};

/**
 * Facts whose words are not a record of what happened: the customer's own text, and policies (conditional words: "a
 * refund is available if no designs were downloaded" records neither a refund nor a download). They back a
 * statement only as a verbatim quotation, and by what their kind shows (`KIND_WORDS`, a policy's name).
 */
function quotedOnly(fact: SheetFact): boolean {
  return fact.untrusted || fact.kind === 'policy';
}

/**
 * Words that say the same thing as a word of the facts: an allowance, never a way in for a new event (each group is
 * one event, worded differently). `login` also stands for "logged in", "signed in" (see `words`).
 */
const SAME_MEANING: readonly (readonly string[])[] = [
  ['pay', 'paid', 'payment'],
  ['buy', 'bought', 'purchase'],
  ['login', 'signin'],
  ['download'],
  ['generat', 'creat'],
];

/** Events a refused word may state, to tell a reviewer what kind of thing was invented. Reporting only. */
const EVENT_WORDS: readonly [event: string, stems: readonly string[]][] = [
  [
    'a refund or credit',
    ['refund', 'reimburs', 'credit', 'money', 'repaid', 'repay', 'reembols', 'rembours', 'erstatt'],
  ],
  [
    'a contact with the customer',
    ['contact', 'call', 'phon', 'spok', 'speak', 'email', 'messag', 'wrot', 'talk', 'repli', 'repl'],
  ],
  ['a delivery', ['deliver', 'ship', 'sent', 'send', 'receiv', 'download']],
  ['a verification', ['verif', 'authenticat', 'confirm', 'identit', 'approv']],
  ['a cancellation', ['cancel', 'terminat', 'unsubscrib']],
  ['use of the product', ['use', 'us', 'usag', 'login', 'access']],
];

export function checkClaims(statements: readonly Statement[], sheet: FactSheet): GroundingFinding[] {
  const findings: GroundingFinding[] = [];
  const byRef = new Map(sheet.facts.map((fact) => [fact.ref, fact]));
  const context = contextWords(sheet);
  const paidAt = paymentTime(sheet);
  statements.forEach((statement, index) => {
    const label = `statement ${index + 1}`;
    const cited: SheetFact[] = [];
    for (const raw of statement.facts) {
      const ref = normaliseFactRef(raw);
      const fact = ref ? byRef.get(ref) : undefined;
      if (fact) cited.push(fact);
      else
        findings.push({
          kind: 'unknown_fact',
          value: raw,
          message: `${label} cites ${raw}, which is not in the fact sheet`,
        });
    }
    // The dispute's own ids and amount (the sheet's header) may be named in any statement.
    const header = `${sheet.context.disputeId} ${sheet.context.chargeId}`;
    const own = { context: sheet.context, facts: cited, text: [header, ...cited.map((fact) => fact.text)].join('\n') };
    // Values and recorded refunds, against this statement's own facts only.
    for (const finding of checkStatements(statement.text, own)) {
      findings.push({
        ...finding,
        message: `${label}: ${finding.message.replace('the fact sheet', 'the facts it cites')}`,
      });
    }
    const language = sheet.context.language ?? 'en';
    if (language !== 'en') {
      findings.push(...foreignFindings(label, statement.text, cited, context, language, paidAt));
      return;
    }
    const unsupported = unsupportedWords(statement.text, cited, context, [sheet.context.currency.toLowerCase()]);
    if (unsupported.length > 0) {
      const event = EVENT_WORDS.find(([, stems]) =>
        unsupported.some((word) => stems.some((stem) => stem === stemOf(word) || stemOf(word).startsWith(stem))),
      );
      findings.push({
        kind: cited.length === 0 ? 'uncited' : event ? 'event_claim' : 'unsupported',
        value: event ? event[0] : unsupported.join(' '),
        message: `${label} says "${unsupported.slice(0, 6).join('", "')}", which ${cited.length === 0 ? 'a statement citing no facts may not' : 'the facts it cites do not say'}`,
      });
    }
    findings.push(...afterPaymentFindings(label, statement.text, cited, 'en', paidAt));
  });
  return findings;
}

/** "After the payment" only when one of the statement's facts is dated after it. */
function afterPaymentFindings(
  label: string,
  text: string,
  cited: readonly SheetFact[],
  language: Language,
  paidAt: number | undefined,
): GroundingFinding[] {
  if (!AFTER_PAYMENT[language].test(normaliseText(text))) return [];
  const after = cited.some((fact) => fact.at !== null && paidAt !== undefined && Date.parse(fact.at) >= paidAt);
  if (after) return [];
  return [
    {
      kind: 'event_claim',
      value: 'something after the payment',
      message: `${label} says something happened after the payment, but none of its facts is dated after it`,
    },
  ];
}

/**
 * A statement in French, German or Spanish (src/drafting/claims-languages.ts): citing nothing, only connecting words;
 * citing facts, no event none of them is of a kind to record, and no denial. Its values were checked above.
 */
function foreignFindings(
  label: string,
  text: string,
  cited: readonly SheetFact[],
  context: ReadonlySet<string>,
  language: ForeignLanguage,
  paidAt: number | undefined,
): GroundingFinding[] {
  let scan = normaliseText(text);
  const quotable = cited.filter(quotedOnly).map((fact) => flatten(fact.text));
  scan = scan.replace(/"([^"]{3,})"|“([^”]{3,})”|«\s?([^»]{3,}?)\s?»|„([^“]{3,})“/g, (whole, a, b, c, d) =>
    quotable.some((source) => source.includes(flatten(a ?? b ?? c ?? d ?? ''))) ? ' ' : whole,
  );
  for (const mention of extractMentions(scan, { currencies: [] })) scan = scan.replace(mention.raw, ' ');
  const connectives = FOREIGN_CONNECTIVES[language];
  // French elides: "n'a", "l'utilisation" are two words each.
  const said = words(scan)
    .flatMap((word) => {
      const elided = language === 'fr' ? /^(qu|[cdjlmnst])['’](.+)$/.exec(word) : null;
      return elided ? [elided[1] ?? '', elided[2] ?? ''] : [word];
    })
    .filter((word) => word !== '' && !/^\d/.test(word));
  // The facts' own words (an English word copied from a fact, a name, an event's label) are theirs to use.
  const own = new Set(cited.filter((fact) => !quotedOnly(fact)).flatMap((fact) => words(fact.text).map(stemOf)));
  if (cited.length === 0) {
    const loose = said.filter((word) => !connectives.has(word) && !context.has(stemOf(word)) && !CONNECTIVES.has(word));
    if (loose.length === 0) return [];
    return [
      {
        kind: 'uncited',
        value: loose.join(' '),
        message: `${label} says "${loose.slice(0, 6).join('", "')}", which a statement citing no facts may not`,
      },
    ];
  }
  const findings: GroundingFinding[] = [];
  const kinds = new Set(cited.map((fact) => fact.kind));
  const recorded = (word: string) => own.has(stemOf(word)) || context.has(stemOf(word));
  for (const { event, kinds: recordedBy, stems } of FOREIGN_EVENTS) {
    const stated = said.filter(
      (word) =>
        !connectives.has(word) &&
        !recorded(word) &&
        [...stems[language], ...stems.en].some((stem) => word.startsWith(stem)),
    );
    if (stated.length === 0 || recordedBy.some((kind) => kinds.has(kind))) continue;
    findings.push({
      kind: 'event_claim',
      value: event,
      message: `${label} says "${stated.slice(0, 3).join('", "')}": ${event} that the facts it cites do not record`,
    });
  }
  const denials = said.filter(
    (word) => FOREIGN_DENIALS[language].has(word) || FOREIGN_DENIALS.en.has(word) || word.endsWith("n't"),
  );
  if (denials.length > 0) {
    findings.push({
      kind: 'unsupported',
      value: denials.join(' '),
      message: `${label} says "${denials.slice(0, 3).join('", "')}", a denial the facts it cites do not state`,
    });
  }
  findings.push(...afterPaymentFindings(label, text, cited, language, paidAt));
  return findings;
}

/** The rebuttal as the bank reads it: statements in order, a blank line where the model starts a paragraph. */
export function joinStatements(statements: readonly (Statement & { new_paragraph?: boolean })[]): string {
  let text = '';
  for (const statement of statements) {
    const sentence = statement.text.trim();
    if (!sentence) continue;
    text += text === '' ? sentence : statement.new_paragraph ? `\n\n${sentence}` : ` ${sentence}`;
  }
  return text;
}

/** The words of `text` that carry meaning and that neither its cited facts nor the connecting words back. */
function unsupportedWords(
  text: string,
  cited: readonly SheetFact[],
  context: ReadonlySet<string>,
  currencies: string[],
): string[] {
  let scan = normaliseText(text);
  // Customer words quoted verbatim from a cited fact are quotation, not a claim: left out.
  const quotable = cited.filter(quotedOnly).map((fact) => flatten(fact.text));
  scan = scan.replace(/"([^"]{3,})"|“([^”]{3,})”|«([^»]{3,})»/g, (whole, a, b, c) =>
    quotable.some((source) => source.includes(flatten(a ?? b ?? c ?? ''))) ? ' ' : whole,
  );
  // Values are checked on their own (above); their characters are not words.
  for (const mention of extractMentions(scan, { currencies })) scan = scan.replace(mention.raw, ' ');
  const support = new Set<string>(context);
  const exact = new Set<string>();
  for (const fact of cited) {
    for (const word of KIND_WORDS[fact.kind] ?? []) support.add(stemOf(word));
    // A policy is named by its title ("Refund policy: …"): the name as written, not its other forms ("refunded").
    if (fact.kind === 'policy') {
      const title = [
        typeof fact.data.policy === 'string' ? fact.data.policy : '',
        /^([^:]{1,40}):/.exec(fact.text)?.[1] ?? '',
      ];
      for (const word of title.flatMap(words)) exact.add(word);
    }
    if (quotedOnly(fact)) continue;
    for (const word of words(fact.text)) support.add(stemOf(word));
    for (const value of Object.values(fact.data))
      if (typeof value === 'string') for (const word of words(value)) support.add(stemOf(word));
  }
  for (const group of SAME_MEANING)
    if (group.some((stem) => support.has(stem))) for (const stem of group) support.add(stem);
  const refused: string[] = [];
  for (const word of words(scan)) {
    if (/^\d/.test(word) || CONNECTIVES.has(word)) continue;
    if (!support.has(stemOf(word)) && !exact.has(word) && !refused.includes(word)) refused.push(word);
  }
  return refused;
}

/** The words of a text, lower-cased, with "logged in" / "signed in" read as one word, `login`. */
function words(text: string): string[] {
  return (
    normaliseText(text)
      .toLowerCase()
      .replace(/\b(?:log(?:ged|s)?|sign(?:ed|s)?)[\s-]*(?:in|on)(?:to)?\b/g, ' login ')
      .replace(/\b(?:log|sign)[\s-]?in\b/g, ' login ')
      .match(/\p{L}[\p{L}\p{M}'’-]*/gu) ?? []
  ).map((word) => word.replace(/['’]s$/, '').replace(/['’-]+$/, ''));
}

/** A light stem: enough that "refunded", "refunds" and "refund" meet; meaning is not guessed. */
export function stemOf(word: string): string {
  let stem = word.toLowerCase();
  for (const suffix of ['ingly', 'edly', 'ings', 'ing', 'ied', 'ies', 'ed', 'es', 's', 'ly']) {
    if (stem.endsWith(suffix) && stem.length - suffix.length >= 3) {
      stem = stem.slice(0, -suffix.length);
      break;
    }
  }
  if (/([b-df-hj-np-tv-z])\1$/.test(stem)) stem = stem.slice(0, -1);
  return stem.endsWith('e') && stem.length > 3 ? stem.slice(0, -1) : stem;
}

/** Words every statement may use: the business, the product and the customer as the dispute names them. */
function contextWords(sheet: FactSheet): Set<string> {
  const { context } = sheet;
  const names = [context.businessName, context.productDescription ?? '', context.customerName ?? ''];
  return new Set(names.flatMap((name) => words(name)).map(stemOf));
}

/** When the disputed payment was made: the earliest time on a charge fact. */
function paymentTime(sheet: FactSheet): number | undefined {
  const times = sheet.facts
    .filter((fact) => fact.kind === 'charge' && fact.at)
    .map((fact) => Date.parse(fact.at ?? ''))
    .filter((time) => !Number.isNaN(time));
  return times.length > 0 ? Math.min(...times) : undefined;
}

function flatten(text: string): string {
  return normaliseText(text).replace(/\s+/g, ' ').trim().toLowerCase();
}
