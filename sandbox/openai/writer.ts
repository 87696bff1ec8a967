/**
 * The stand-in's "model": it reads the fact sheet out of the prompt, as a capable model would, and
 * writes a short grounded rebuttal that cites real fact numbers. It knows only the sheet's text
 * format (see src/drafting/fact-sheet.ts), not the drafting code, so the demo exercises the real
 * prompt → answer → grounding path. Pure functions.
 */

export type AnswerStyle =
  | 'grounded'
  | 'invent_amount'
  | 'invent_date'
  | 'invent_refund'
  | 'refund_as_requested'
  | 'invent_contact'
  | 'unknown_fact';

export interface ReadFact {
  ref: string;
  /** `2026-03-04 14:03 UTC`, or null when undated. */
  when: string | null;
  source: string;
  text: string;
  untrusted: boolean;
  kind: string;
}

/** The language the prompt asks the rebuttal in (its rule "write every statement in French"); English without one. */
export type WrittenLanguage = 'en' | 'fr' | 'de' | 'es';

export interface ReadSheet {
  language: WrittenLanguage;
  business: string;
  disputeId: string;
  reason: string;
  amount: string;
  chargeId: string;
  facts: ReadFact[];
}

/** The invented values, exported so tests can look for them. */
export const INVENTED = {
  amount: '$1,234.56',
  date: 'January 17, 2019',
  refund: 'As a courtesy, we refunded the customer in full.',
  refundAsRequested: 'As requested, we refunded the customer.',
  contact: 'The customer confirmed receipt by email.',
  fact: 'F99',
} as const;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Finds the fact sheet in a prompt; null when the prompt has none (another use of the stand-in). */
export function readFactSheet(prompt: string): ReadSheet | null {
  const start = prompt.lastIndexOf('<fact_sheet>');
  const end = prompt.indexOf('</fact_sheet>', start);
  if (start === -1 || end === -1) return null;
  const sheet = prompt.slice(start, end);
  const field = (name: string) => new RegExp(`^${name}: (.+)$`, 'm').exec(sheet)?.[1]?.trim() ?? '';
  const facts: ReadFact[] = [];
  let kind = '';
  for (const line of sheet.split('\n')) {
    const heading = /^\[(.+)\]$/.exec(line);
    if (heading) {
      kind = heading[1] ?? '';
      continue;
    }
    const match = /^(F\d+) · (.+?) · (.+?) · (.*)$/.exec(line);
    if (!match) continue;
    const [, ref = '', when = '', source = '', text = ''] = match;
    const untrusted = text.startsWith('customer-supplied, quoted:');
    facts.push({ ref, when: when === 'undated' ? null : when, source, text, untrusted, kind });
  }
  const asked = /write every statement in (French|German|Spanish)\b/.exec(prompt)?.[1];
  return {
    language: asked === 'French' ? 'fr' : asked === 'German' ? 'de' : asked === 'Spanish' ? 'es' : 'en',
    business: field('Business'),
    disputeId: field('Dispute'),
    reason: field('Reason'),
    amount: field('Amount').split(' ')[0] ?? '',
    chargeId: field('Charge'),
    facts,
  };
}

export interface WrittenStatement {
  text: string;
  facts: string[];
  new_paragraph: boolean;
}

export interface WrittenAnswer {
  statements: WrittenStatement[];
  confidence: number;
  needs_review: boolean;
  weaknesses: string[];
}

/**
 * A rebuttal in the drafter's answer shape, one statement per fact with that fact cited; `style` makes it invent one
 * thing a grounding check must catch (citing the payment, as a model would, for a claim the payment does not make).
 */
export function writeAnswer(sheet: ReadSheet, style: AnswerStyle = 'grounded'): WrittenAnswer {
  const payment = sheet.facts.find((fact) => fact.kind === 'Payment')?.ref;
  const say = WORDS[sheet.language];
  const opening: WrittenStatement = {
    text: say.opening(sheet.business, sheet.disputeId, sheet.chargeId, sheet.amount),
    facts: payment ? [payment] : [],
    new_paragraph: false,
  };
  const body: WrittenStatement[] = [];
  let length = opening.text.length;
  const dated = [...sheet.facts].sort((a, b) => (a.when ?? '9999').localeCompare(b.when ?? '9999'));
  for (const fact of dated) {
    const sentence = factSentence(fact, say);
    if (sentence === null || length + sentence.length > 1_900) continue;
    body.push({ text: sentence, facts: [fact.ref], new_paragraph: body.length === 0 });
    length += sentence.length + 1;
  }
  const invented = (text: string): WrittenStatement => ({
    text,
    facts: payment ? [payment] : [],
    new_paragraph: false,
  });
  if (style === 'invent_amount') body.unshift(invented(`The customer also paid ${INVENTED.amount} for an add-on.`));
  if (style === 'invent_date') body.unshift(invented(`The customer first signed up on ${INVENTED.date}.`));
  if (style === 'invent_refund') body.unshift(invented(INVENTED.refund));
  if (style === 'refund_as_requested') body.unshift(invented(INVENTED.refundAsRequested));
  if (style === 'invent_contact') body.unshift(invented(INVENTED.contact));
  if (style === 'unknown_fact') opening.facts = [...opening.facts, INVENTED.fact];
  const closing: WrittenStatement = {
    text: say.closing,
    facts: [],
    new_paragraph: true,
  };

  const trusted = sheet.facts.filter((fact) => !fact.untrusted).length;
  return {
    statements: [opening, ...body, closing],
    confidence: trusted >= 5 ? 0.78 : 0.45,
    needs_review: trusted < 3,
    weaknesses: trusted < 3 ? ['Little evidence beyond the payment itself.'] : [],
  };
}

/** How the "model" words what it writes in each language: only the facts' words and connecting ones. */
interface Words {
  opening: (business: string, disputeId: string, chargeId: string, amount: string) => string;
  closing: string;
  /** `2026-03-04 14:03 UTC` as the language writes a date and time. */
  when: (when: string) => string;
  dated: (when: string, text: string) => string;
  customerWrote: (when: string) => string;
  /** A policy quoted whole: its words are conditions, not events. */
  policy: (text: string) => string;
}

const WORDS: Record<WrittenLanguage, Words> = {
  en: {
    opening: (business, disputeId, chargeId, amount) =>
      `${business || 'We'} contest${business ? 's' : ''} dispute ${disputeId} on charge ${chargeId} for ${amount}.`,
    closing: 'Based on these records, we ask that the dispute be decided in our favour.',
    when: readableWhen,
    dated: (when, text) => `${when}: ${text}`,
    customerWrote: (when) => `On ${when}, the customer wrote to us.`,
    policy: (text) => {
      const policy = /^([^:]{1,40}): (.+)$/.exec(/[.!?]$/.test(text) ? text : `${text}.`);
      return policy ? `Our ${policy[1]?.toLowerCase()} states: "${policy[2]}"` : `Our policy states: "${text}"`;
    },
  },
  fr: {
    opening: (business, disputeId, chargeId, amount) =>
      `${business ? `${business} conteste` : 'Nous contestons'} le litige ${disputeId} sur le paiement ${chargeId} de ${amount}.`,
    closing: 'Sur la base de ces éléments, nous demandons une décision en notre faveur.',
    when: (when) => localWhen(when, 'fr-FR', 'à'),
    dated: (when, text) => `${when} : ${text}`,
    customerWrote: (when) => `Le ${when}, le client nous a écrit.`,
    policy: (text) => `Notre politique dit : "${text}"`,
  },
  de: {
    opening: (business, disputeId, chargeId, amount) =>
      `${business ? `${business} widerspricht` : 'Wir widersprechen'} der Rückbuchung ${disputeId} zur Zahlung ${chargeId} über ${amount}.`,
    closing: 'Auf Grundlage dieser Unterlagen bitten wir um eine Entscheidung zu unseren Gunsten.',
    when: (when) => localWhen(when, 'de-DE', 'um'),
    dated: (when, text) => `${when}: ${text}`,
    customerWrote: (when) => `Am ${when} hat der Kunde uns geschrieben.`,
    policy: (text) => `Unsere Richtlinie besagt: "${text}"`,
  },
  es: {
    opening: (business, disputeId, chargeId, amount) =>
      `${business ? `${business} impugna` : 'Impugnamos'} la disputa ${disputeId} sobre el cargo ${chargeId} por ${amount}.`,
    closing: 'Con base en estos registros, solicitamos una decisión a nuestro favor.',
    when: (when) => localWhen(when, 'es-ES', 'a las'),
    dated: (when, text) => `${when}: ${text}`,
    customerWrote: (when) => `El ${when}, el cliente nos escribió.`,
    policy: (text) => `Nuestra política dice: "${text}"`,
  },
};

function factSentence(fact: ReadFact, say: Words): string | null {
  const when = fact.when ? say.when(fact.when) : null;
  if (fact.untrusted) {
    return fact.kind === 'Communication' && when ? say.customerWrote(when) : null;
  }
  const text = /[.!?]$/.test(fact.text) ? fact.text : `${fact.text}.`;
  // A policy is quoted, word for word, as the prompt asks: its words are conditions, not events.
  if (fact.kind === 'Policies') return say.policy(fact.text);
  return when ? say.dated(when, text) : text;
}

/** `2026-03-04 14:03 UTC` → `March 4, 2026 at 14:03 UTC`. */
function readableWhen(when: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}) UTC$/.exec(when);
  if (!match) return when;
  const [, year, month, day, time] = match;
  return `${MONTHS[Number(month) - 1] ?? month} ${Number(day)}, ${year} at ${time} UTC`;
}

/** `2026-03-04 14:03 UTC` → `4 mars 2026 à 14:03 UTC`, `4. März 2026 um 14:03 UTC`, `4 de marzo de 2026 a las …`. */
function localWhen(when: string, locale: string, at: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC$/.exec(when);
  if (!match) return when;
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${match[1]}T00:00:00Z`),
  );
  return `${date} ${at} ${match[2]} UTC`;
}

/** A value of the shape a JSON schema asks for: the stand-in's answer when the prompt is not a fact sheet. */
export function exampleForSchema(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 8) return null;
  if (Array.isArray(schema.enum)) return schema.enum[0] ?? null;
  if ('const' in schema) return schema.const;
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) return exampleForSchema(variants[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((candidate) => candidate !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      return Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [key, exampleForSchema(value, depth + 1)]),
      );
    }
    case 'array':
      return [];
    case 'string':
      return schema.format === 'date-time' ? new Date(0).toISOString() : 'sandbox';
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
