import { z } from 'zod';
import type { BusinessEvidenceKind } from '../config.js';

/**
 * The business's own evidence, whether it comes from SQL rows or the HTTP endpoint: one row
 * shape per kind (the columns a query returns, the objects an endpoint sends), checked here and
 * turned into facts by `row-facts.ts`. Customer-typed text stays data: cleaned, capped and flagged.
 */

/**
 * Longest customer text kept in one fact. Long enough for a long support email; a 100,000
 * character paste would crowd every other fact out of the drafter's prompt and Stripe's
 * 150,000-character evidence budget.
 */
export const MAX_UNTRUSTED_CHARS = 4_000;
/** Longest business-side value (event names, plan names, ids) kept; nothing legitimate is longer. */
export const MAX_VALUE_CHARS = 300;

// C0/C1 controls (bar tab and newline) and the bidi overrides that can make text read differently than it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Makes text safe to store and quote: no control or bidi characters, capped, and says when it was cut. */
export function cleanText(value: string, max: number): string {
  const cleaned = value.replace(/\r\n?/g, '\n').replace(UNSAFE_CHARACTERS, '\uFFFD').trim();
  if (cleaned.length <= max) return cleaned;
  return `${cleaned.slice(0, max)}… [${cleaned.length - max} more characters not shown]`;
}

const timestamp = z.union([z.date(), z.string(), z.number()]).transform((value, ctx) => {
  // Numbers are Unix seconds (as Stripe sends them) unless they are clearly milliseconds.
  const date =
    value instanceof Date
      ? value
      : typeof value === 'number'
        ? new Date(value < 1e11 ? value * 1000 : value)
        : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `expected a timestamp, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return date.toISOString();
});

const scalar = z.union([z.string(), z.number(), z.bigint(), z.boolean()]).transform((value) => String(value));
const optional = scalar
  .nullish()
  .transform((value) => (value === undefined || value === null || value === '' ? null : value));

export const accountRowSchema = z.looseObject({
  account_id: scalar,
  email: optional,
  name: optional,
  created_at: timestamp.nullish(),
  plan: optional,
  status: optional,
});
export const activityRowSchema = z.looseObject({
  at: timestamp,
  event: optional,
  ip: optional,
  user_agent: optional,
  device_id: optional,
  device_fingerprint: optional,
  /** Set on a purchase event: the Stripe charge it made (links Visa CE 3.0 identifiers to a payment). */
  charge_id: optional,
  detail: optional,
});
export const deliverableRowSchema = z.looseObject({
  at: timestamp,
  deliverable_id: optional,
  title: optional,
  prompt: optional,
  description: optional,
  /** An http(s) URL, or a path under `images.local_root`. */
  image: optional,
});
export const communicationRowSchema = z.looseObject({
  at: timestamp,
  direction: z.enum(['inbound', 'outbound']),
  channel: optional,
  subject: optional,
  body: scalar,
});
export const policyAcceptanceRowSchema = z.looseObject({
  at: timestamp,
  policy: scalar,
  version: optional,
  shown_at: optional,
  ip: optional,
});

export const ROW_SCHEMAS = {
  account: accountRowSchema,
  activity: activityRowSchema,
  deliverables: deliverableRowSchema,
  communications: communicationRowSchema,
  policy_acceptance: policyAcceptanceRowSchema,
} as const;

/** Most rows one kind may carry in an HTTP answer; more is a broken endpoint, not evidence. */
export const MAX_HTTP_ROWS = 5_000;

/**
 * What the business's HTTP endpoint must answer: one JSON object with the same five kinds as the SQL
 * queries (an account, and lists of the rest); any other key is refused.
 */
export const businessEvidenceSchema = z
  .object({
    account: accountRowSchema.nullish(),
    activity: z.array(activityRowSchema).max(MAX_HTTP_ROWS).default([]),
    deliverables: z.array(deliverableRowSchema).max(MAX_HTTP_ROWS).default([]),
    communications: z.array(communicationRowSchema).max(MAX_HTTP_ROWS).default([]),
    policy_acceptance: z.array(policyAcceptanceRowSchema).max(MAX_HTTP_ROWS).default([]),
  })
  .strict();
export type BusinessEvidence = z.infer<typeof businessEvidenceSchema>;

export type Rows = {
  [K in BusinessEvidenceKind]: K extends 'account'
    ? z.infer<typeof accountRowSchema>
    : z.infer<(typeof ROW_SCHEMAS)[K]>;
};

/** Columns whose text the customer typed, per kind; a query can name more (`untrusted_columns`). */
export const DEFAULT_UNTRUSTED_COLUMNS: Record<BusinessEvidenceKind, readonly string[]> = {
  account: ['name'],
  activity: ['detail', 'user_agent'],
  deliverables: ['title', 'prompt', 'description'],
  // Replies quote the customer, so both directions are treated as customer text.
  communications: ['subject', 'body'],
  policy_acceptance: [],
};

/** Checks one row against its kind's shape; the message names the column at fault. */
export function parseRow<K extends BusinessEvidenceKind>(
  kind: K,
  row: unknown,
): { ok: true; row: Rows[K] } | { ok: false; problem: string } {
  const parsed = ROW_SCHEMAS[kind].safeParse(row);
  if (parsed.success) return { ok: true, row: parsed.data as Rows[K] };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid'}` };
}

/** `2025-03-01 14:02 UTC`: precise enough for an activity log, unambiguous across time zones. */
export function formatWhen(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
