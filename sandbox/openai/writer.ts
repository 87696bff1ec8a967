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

export interface ReadSheet {
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
  return {
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
  const opening: WrittenStatement = {
    text: `${sheet.business || 'We'} contest${sheet.business ? 's' : ''} dispute ${sheet.disputeId} on charge ${sheet.chargeId} for ${sheet.amount}.`,
    facts: payment ? [payment] : [],
    new_paragraph: false,
  };
  const body: WrittenStatement[] = [];
  let length = opening.text.length;
  const dated = [...sheet.facts].sort((a, b) => (a.when ?? '9999').localeCompare(b.when ?? '9999'));
  for (const fact of dated) {
    const sentence = factSentence(fact);
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
    text: 'Based on these records, we ask that the dispute be decided in our favour.',
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

function factSentence(fact: ReadFact): string | null {
  const when = fact.when ? readableWhen(fact.when) : null;
  if (fact.untrusted) {
    return fact.kind === 'Communication' && when ? `On ${when}, the customer wrote to us.` : null;
  }
  const text = /[.!?]$/.test(fact.text) ? fact.text : `${fact.text}.`;
  // A policy is quoted, word for word, as the prompt asks: its words are conditions, not events.
  const policy = fact.kind === 'Policies' ? /^([^:]{1,40}): (.+)$/.exec(text) : null;
  if (policy) return `Our ${policy[1]?.toLowerCase()} states: "${policy[2]}"`;
  return when ? `${when}: ${text}` : text;
}

/** `2026-03-04 14:03 UTC` → `March 4, 2026 at 14:03 UTC`. */
function readableWhen(when: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}) UTC$/.exec(when);
  if (!match) return when;
  const [, year, month, day, time] = match;
  return `${MONTHS[Number(month) - 1] ?? month} ${Number(day)}, ${year} at ${time} UTC`;
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
