import { isIP } from 'node:net';
import { z } from 'zod';
import type { BusinessEvidenceKind } from '../config.js';
import type { Artefact, Fact, FactKind } from '../types.js';

/**
 * The business's own evidence, whether it comes from SQL rows or the HTTP endpoint: one row
 * shape per kind (the columns a query returns, the objects an endpoint sends), and the facts
 * and artefacts made from them. Customer-typed text stays data: cleaned, capped and flagged.
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

/** What the business's HTTP endpoint must answer (DESIGN.md §4): the same five kinds as the SQL queries. */
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

type Rows = {
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

const KNOWN_COLUMNS: Record<BusinessEvidenceKind, readonly string[]> = {
  account: Object.keys(accountRowSchema.shape),
  activity: Object.keys(activityRowSchema.shape),
  deliverables: Object.keys(deliverableRowSchema.shape),
  communications: Object.keys(communicationRowSchema.shape),
  policy_acceptance: Object.keys(policyAcceptanceRowSchema.shape),
};

const FACT_KIND: Record<BusinessEvidenceKind, FactKind> = {
  account: 'account',
  activity: 'activity',
  deliverables: 'deliverable',
  communications: 'communication',
  policy_acceptance: 'policy_acceptance',
};

export interface RowOptions {
  /** `sql` or `http`: the fact ids' prefix and `source`. */
  source: string;
  untrustedColumns?: readonly string[];
  /** The business's name, for sentences about its own messages. */
  businessName?: string;
}

export interface RowEvidence {
  facts: Fact[];
  artefacts: Artefact[];
}

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

const validIp = (value: string | null): string | null => (value && isIP(value.trim()) ? value.trim() : null);
const value = (text: string | null): string | null => (text === null ? null : cleanText(text, MAX_VALUE_CHARS) || null);
const quoted = (text: string): string => `"${cleanText(text, MAX_UNTRUSTED_CHARS).replaceAll('"', '\u201D')}"`;

function extraData(
  kind: BusinessEvidenceKind,
  row: Record<string, unknown>,
  untrusted: ReadonlySet<string>,
): Record<string, string | number | boolean | null> {
  const data: Record<string, string | number | boolean | null> = {};
  for (const [key, raw] of Object.entries(row)) {
    if (KNOWN_COLUMNS[kind].includes(key)) continue;
    const max = untrusted.has(key) ? MAX_UNTRUSTED_CHARS : MAX_VALUE_CHARS;
    if (raw === null || raw === undefined) data[key] = null;
    else if (raw instanceof Date) data[key] = Number.isNaN(raw.getTime()) ? null : raw.toISOString();
    else if (typeof raw === 'number' || typeof raw === 'boolean') data[key] = raw;
    else if (typeof raw === 'string') data[key] = cleanText(raw, max);
    else if (typeof raw === 'bigint') data[key] = Number(raw);
    // Objects and arrays (json columns) are not evidence a sentence can state; they are left out.
  }
  return data;
}

/** Turns checked rows of one kind into facts (and, for deliverables, image artefacts). */
export function rowsToEvidence<K extends BusinessEvidenceKind>(
  kind: K,
  rows: Rows[K][],
  options: RowOptions,
): RowEvidence {
  const untrusted = new Set([...DEFAULT_UNTRUSTED_COLUMNS[kind], ...(options.untrustedColumns ?? [])]);
  const source = options.source;
  const facts: Fact[] = [];
  const artefacts: Artefact[] = [];
  const kindOf = FACT_KIND[kind];
  const shown = (column: string, text: string | null): { text: string; untrusted: boolean } | null => {
    if (text === null) return null;
    return untrusted.has(column)
      ? { text: quoted(text), untrusted: true }
      : { text: value(text) ?? '', untrusted: false };
  };

  if (kind === 'account') {
    const [row] = rows as Rows['account'][];
    if (!row) return { facts, artefacts };
    const accountId = value(row.account_id) ?? '';
    const email = value(row.email);
    const created = row.created_at ?? null;
    const parts = [`Account ${accountId}${email ? ` (${email})` : ''}`];
    parts.push(created ? `was opened on ${created.slice(0, 10)}` : 'exists');
    const details = [
      row.plan ? `plan ${value(row.plan)}` : null,
      row.status ? `status ${value(row.status)}` : null,
    ].filter(Boolean);
    facts.push({
      id: `${source}.account`,
      kind: kindOf,
      text: `${parts.join(' ')}${details.length ? `, ${details.join(', ')}` : ''}.`,
      at: created,
      source,
      data: {
        account_id: accountId,
        email,
        created_at: created,
        plan: value(row.plan),
        status: value(row.status),
        ...extraData(kind, row, untrusted),
      },
    });
    const name = shown('name', row.name);
    if (name) {
      facts.push({
        id: `${source}.account.name`,
        kind: kindOf,
        text: `The account holder's name on account ${accountId} is ${name.text}.`,
        at: created,
        source,
        untrusted: name.untrusted || undefined,
        data: { name: cleanText(row.name ?? '', MAX_VALUE_CHARS) },
      });
    }
    return { facts, artefacts };
  }

  const timeOf = (row: Rows[K]): string => (typeof row.at === 'string' ? row.at : '');
  const sorted = [...rows].sort((a, b) => timeOf(a).localeCompare(timeOf(b)));
  sorted.forEach((row, index) => {
    const n = index + 1;
    if (kind === 'activity') {
      const r = row as Rows['activity'];
      const ip = validIp(r.ip);
      const device = value(r.device_id) ?? value(r.device_fingerprint);
      const detail = shown('detail', r.detail);
      const event = value(r.event) ?? 'activity';
      facts.push({
        id: `${source}.activity.${n}`,
        kind: kindOf,
        text: `${formatWhen(r.at)}: ${event}${ip ? ` from IP ${ip}` : ''}${device ? ` on device ${device}` : ''}${detail ? ` (${detail.text})` : ''}.`,
        at: r.at,
        source,
        untrusted: detail?.untrusted || undefined,
        data: {
          event,
          ip,
          device_id: value(r.device_id),
          device_fingerprint: value(r.device_fingerprint),
          user_agent: r.user_agent === null ? null : cleanText(r.user_agent, MAX_VALUE_CHARS),
          charge_id: value(r.charge_id),
          ...extraData(kind, r, untrusted),
        },
      });
    } else if (kind === 'deliverables') {
      const r = row as Rows['deliverables'];
      const key = value(r.deliverable_id)?.replace(/[^\w-]/g, '_') ?? String(n);
      const title = shown('title', r.title);
      const prompt = shown('prompt', r.prompt);
      const description = shown('description', r.description);
      const image = r.image === null ? null : r.image.trim();
      const artefactId = image ? `${source}.deliverable.${key}.image` : null;
      if (image && artefactId) {
        const isUrl = /^https?:\/\//i.test(image);
        artefacts.push({
          id: artefactId,
          kind: 'image',
          title: r.title ? cleanText(r.title, 200) : `Deliverable ${key}`,
          at: r.at,
          source,
          ...(isUrl ? { url: image } : { path: image }),
        });
      }
      const what = title ? title.text : 'a deliverable';
      facts.push({
        id: `${source}.deliverable.${key}`,
        kind: kindOf,
        text:
          `${formatWhen(r.at)}: delivered ${what}` +
          `${prompt ? `, made from the customer's request ${prompt.text}` : ''}` +
          `${description ? ` — ${description.text}` : ''}${image ? ' (image attached)' : ''}.`,
        at: r.at,
        source,
        untrusted: title?.untrusted || prompt?.untrusted || description?.untrusted || undefined,
        data: {
          deliverable_id: value(r.deliverable_id),
          title: r.title === null ? null : cleanText(r.title, MAX_VALUE_CHARS),
          artefact_id: artefactId,
          image: image ? cleanText(image, 2_000) : null,
          ...extraData(kind, r, untrusted),
        },
      });
    } else if (kind === 'communications') {
      const r = row as Rows['communications'];
      const who =
        r.direction === 'inbound'
          ? 'the customer wrote'
          : `${options.businessName ?? 'the business'} wrote to the customer`;
      const subject = shown('subject', r.subject);
      const body = shown('body', r.body);
      facts.push({
        id: `${source}.communication.${n}`,
        kind: kindOf,
        text: `${formatWhen(r.at)}: ${who}${r.channel ? ` by ${value(r.channel)}` : ''}${subject ? `, subject ${subject.text}` : ''}: ${body?.text ?? ''}`,
        at: r.at,
        source,
        untrusted: subject?.untrusted || body?.untrusted || undefined,
        data: { direction: r.direction, channel: value(r.channel), ...extraData(kind, r, untrusted) },
      });
    } else {
      const r = row as Rows['policy_acceptance'];
      const ip = validIp(r.ip);
      const shownAt = value(r.shown_at);
      const policy = value(r.policy) ?? 'a';
      facts.push({
        id: `${source}.policy_acceptance.${n}`,
        kind: kindOf,
        text:
          `${formatWhen(r.at)}: the customer accepted the ${policy} policy` +
          `${r.version ? ` (version ${value(r.version)})` : ''}` +
          `${shownAt ? ` shown on the ${shownAt.replaceAll('_', ' ')}` : ''}${ip ? ` from IP ${ip}` : ''}.`,
        at: r.at,
        source,
        data: { policy, version: value(r.version), shown_at: shownAt, ip, ...extraData(kind, r, untrusted) },
      });
    }
  });
  return { facts, artefacts };
}
