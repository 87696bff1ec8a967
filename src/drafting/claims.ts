import type { FactKind } from '../dispute/facts.js';
import type { Language } from '../dispute/language.js';
import {
  AFTER_PAYMENT,
  FOREIGN_CONNECTIVES,
  FOREIGN_EVENTS,
  FOREIGN_KIND_WORDS,
  FOREIGN_SAME_MEANING,
  type ForeignLanguage,
  foreignStem,
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
 *   not look for what lies say. In French, German and Spanish the same holds against the facts as the bank reads
 *   them, in its language (i18n/facts.ts), with that language's connecting words (claims-languages.ts).
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
  const rules = wordRules(sheet.context.language ?? 'en');
  const context = contextWords(sheet, rules);
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
    const unsupported = unsupportedWords(statement.text, cited, context, [sheet.context.currency.toLowerCase()], rules);
    if (language !== 'en') {
      findings.push(...foreignFindings(label, unsupported, cited.length, language));
      findings.push(...afterPaymentFindings(label, statement.text, cited, language, paidAt));
      return;
    }
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
 * What a French, German or Spanish statement said that its facts do not: one finding per kind of event its refused
 * words state (a refund, a contact, …), or one for the words themselves (a denial, a new claim).
 */
function foreignFindings(
  label: string,
  unsupported: readonly string[],
  citedCount: number,
  language: ForeignLanguage,
): GroundingFinding[] {
  if (unsupported.length === 0) return [];
  const quoted = `"${unsupported.slice(0, 6).join('", "')}"`;
  if (citedCount === 0) {
    return [
      {
        kind: 'uncited',
        value: unsupported.join(' '),
        message: `${label} says ${quoted}, which a statement citing no facts may not`,
      },
    ];
  }
  const events = FOREIGN_EVENTS.filter(({ stems }) =>
    unsupported.some((word) => [...stems[language], ...stems.en].some((stem) => word.startsWith(stem))),
  );
  if (events.length === 0) {
    return [
      {
        kind: 'unsupported',
        value: unsupported.join(' '),
        message: `${label} says ${quoted}, which the facts it cites do not say`,
      },
    ];
  }
  return events.map(({ event }) => ({
    kind: 'event_claim' as const,
    value: event,
    message: `${label} says ${quoted}: ${event} that the facts it cites do not record`,
  }));
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

/** How a language's words are matched against its facts' words: the same rule, each language's words. */
interface WordRules {
  connectives: ReadonlySet<string>;
  kindWords: Partial<Record<FactKind, readonly string[]>>;
  sameMeaning: readonly (readonly string[])[];
  stem: (word: string) => string;
  words: (text: string) => string[];
}

const ENGLISH_RULES: WordRules = {
  connectives: CONNECTIVES,
  kindWords: KIND_WORDS,
  sameMeaning: SAME_MEANING,
  stem: stemOf,
  words,
};

/**
 * French, German, Spanish: their connecting words and what a fact's kind shows, beside English's (a model may copy an
 * English word from a fact the business wrote in English); a stem that ignores accents; French elision read as two
 * words ("n'a", "l'utilisation").
 */
function wordRules(language: Language): WordRules {
  if (language === 'en') return ENGLISH_RULES;
  const kinds = new Set([...Object.keys(KIND_WORDS), ...Object.keys(FOREIGN_KIND_WORDS[language])]) as Set<FactKind>;
  return {
    connectives: new Set([...FOREIGN_CONNECTIVES[language], ...CONNECTIVES]),
    kindWords: Object.fromEntries(
      [...kinds].map((kind) => [kind, [...(KIND_WORDS[kind] ?? []), ...(FOREIGN_KIND_WORDS[language][kind] ?? [])]]),
    ),
    sameMeaning: [...FOREIGN_SAME_MEANING[language], ...SAME_MEANING],
    stem: (word) => foreignStem(word, language),
    words:
      language === 'fr'
        ? (text) =>
            words(text).flatMap((word) => {
              const elided = /^(qu|[cdjlmnst])['’](.+)$/.exec(word);
              return elided ? [elided[1] ?? '', elided[2] ?? ''] : [word];
            })
        : words,
  };
}

/** The words of `text` that carry meaning and that neither its cited facts nor the connecting words back. */
function unsupportedWords(
  text: string,
  cited: readonly SheetFact[],
  context: ReadonlySet<string>,
  currencies: string[],
  rules: WordRules = ENGLISH_RULES,
): string[] {
  const { stem, words } = rules;
  let scan = normaliseText(text);
  // Customer words quoted verbatim from a cited fact are quotation, not a claim: left out.
  const quotable = cited.filter(quotedOnly).map((fact) => flatten(fact.text));
  scan = scan.replace(/"([^"]{3,})"|“([^”]{3,})”|«\s?([^»]{3,}?)\s?»|„([^“]{3,})“/g, (whole, a, b, c, d) =>
    quotable.some((source) => source.includes(flatten(a ?? b ?? c ?? d ?? ''))) ? ' ' : whole,
  );
  // Values are checked on their own (above); their characters are not words.
  for (const mention of extractMentions(scan, { currencies })) scan = scan.replace(mention.raw, ' ');
  const support = new Set<string>(context);
  const exact = new Set<string>();
  for (const fact of cited) {
    for (const word of rules.kindWords[fact.kind] ?? []) support.add(stem(word));
    // A policy is named by its title ("Refund policy: …"): the name as written, not its other forms ("refunded").
    if (fact.kind === 'policy') {
      const title = [
        typeof fact.data.policy === 'string' ? fact.data.policy : '',
        /^([^:]{1,40}):/.exec(fact.text)?.[1] ?? '',
        // In another language the title ends at the first comma or bracket: "Politique de remboursement, présentée…".
        /^([^:,(]{1,40})[,(]/.exec(fact.text)?.[1] ?? '',
      ];
      for (const word of title.flatMap(words)) exact.add(word);
    }
    if (quotedOnly(fact)) continue;
    for (const word of words(fact.text)) support.add(stem(word));
    for (const value of Object.values(fact.data))
      if (typeof value === 'string') for (const word of words(value)) support.add(stem(word));
  }
  for (const group of rules.sameMeaning)
    if (group.some((same) => support.has(same))) for (const same of group) support.add(same);
  const refused: string[] = [];
  for (const word of words(scan)) {
    if (word === '' || /^\d/.test(word) || rules.connectives.has(word)) continue;
    if (!support.has(stem(word)) && !exact.has(word) && !refused.includes(word)) refused.push(word);
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
function contextWords(sheet: FactSheet, rules: WordRules): Set<string> {
  const { context } = sheet;
  const names = [context.businessName, context.productDescription ?? '', context.customerName ?? ''];
  return new Set(names.flatMap((name) => rules.words(name)).map(rules.stem));
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
