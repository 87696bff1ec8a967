import { isIP } from 'node:net';
import { writtenFact as written } from '../../i18n/facts.js';
import type { BusinessEvidenceKind } from '../config.js';
import type { Artefact, Fact } from '../types.js';
import {
  cleanText,
  DEFAULT_UNTRUSTED_COLUMNS,
  MAX_UNTRUSTED_CHARS,
  MAX_VALUE_CHARS,
  ROW_SCHEMAS,
  type Rows,
} from './rows.js';

/**
 * What the business's rows say, one kind at a time: each kind of row becomes facts worded for that
 * kind (and deliverables also image artefacts). Customer-typed columns are quoted and flagged.
 */

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

/** What every kind's facts need: where the rows came from and which columns the customer typed. */
interface RowContext {
  source: string;
  untrusted: ReadonlySet<string>;
  businessName: string | undefined;
}

const KNOWN_COLUMNS: Record<BusinessEvidenceKind, readonly string[]> = {
  account: Object.keys(ROW_SCHEMAS.account.shape),
  activity: Object.keys(ROW_SCHEMAS.activity.shape),
  deliverables: Object.keys(ROW_SCHEMAS.deliverables.shape),
  communications: Object.keys(ROW_SCHEMAS.communications.shape),
  policy_acceptance: Object.keys(ROW_SCHEMAS.policy_acceptance.shape),
};

const FACTS_OF: { [K in BusinessEvidenceKind]: (rows: Rows[K][], context: RowContext) => RowEvidence } = {
  account: accountEvidence,
  activity: oneFactPerRow(activityFact),
  deliverables: deliverablesEvidence,
  communications: oneFactPerRow(communicationFact),
  policy_acceptance: oneFactPerRow(policyAcceptanceFact),
};

/** Turns checked rows of one kind into facts (and, for deliverables, image artefacts). */
export function rowsToEvidence<K extends BusinessEvidenceKind>(
  kind: K,
  rows: Rows[K][],
  options: RowOptions,
): RowEvidence {
  const untrusted = new Set([...DEFAULT_UNTRUSTED_COLUMNS[kind], ...(options.untrustedColumns ?? [])]);
  return FACTS_OF[kind](rows, { source: options.source, untrusted, businessName: options.businessName });
}

/** The account row (only the first counts): who the account is, and its holder's name apart. */
function accountEvidence(rows: Rows['account'][], context: RowContext): RowEvidence {
  const { source, untrusted } = context;
  const facts: Fact[] = [];
  const [row] = rows;
  if (!row) return { facts, artefacts: [] };
  const accountId = value(row.account_id) ?? '';
  const email = value(row.email);
  const created = row.created_at ?? null;
  facts.push(
    written({
      id: `${source}.account`,
      kind: 'account',
      at: created,
      source,
      data: {
        account_id: accountId,
        email,
        created_at: created,
        plan: value(row.plan),
        status: value(row.status),
        ...extraData('account', row, untrusted),
      },
    }),
  );
  const name = shown('name', row.name, untrusted);
  if (name) {
    facts.push(
      written({
        id: `${source}.account.name`,
        kind: 'account',
        at: created,
        source,
        untrusted: name.untrusted || undefined,
        data: { account_id: accountId, name: cleanText(row.name ?? '', MAX_VALUE_CHARS), name_shown: name.text },
      }),
    );
  }
  return { facts, artefacts: [] };
}

/** One thing the customer did (a login, a download, a purchase), with the IP and device it came from. */
function activityFact(row: Rows['activity'], n: number, context: RowContext): Fact {
  const { source, untrusted } = context;
  const ip = validIp(row.ip);
  const detail = shown('detail', row.detail, untrusted);
  const event = value(row.event) ?? 'activity';
  return written({
    id: `${source}.activity.${n}`,
    kind: 'activity',
    at: row.at,
    source,
    untrusted: detail?.untrusted || undefined,
    data: {
      event,
      ip,
      device_id: value(row.device_id),
      device_fingerprint: value(row.device_fingerprint),
      user_agent: row.user_agent === null ? null : cleanText(row.user_agent, MAX_VALUE_CHARS),
      charge_id: value(row.charge_id),
      detail_shown: detail?.text ?? null,
      ...extraData('activity', row, untrusted),
    },
  });
}

/** What was delivered, in time order; a deliverable with an image also becomes an image artefact. */
function deliverablesEvidence(rows: Rows['deliverables'][], context: RowContext): RowEvidence {
  const facts: Fact[] = [];
  const artefacts: Artefact[] = [];
  inTimeOrder(rows).forEach((row, index) => {
    const { fact, artefact } = deliverableEvidence(row, index + 1, context);
    if (artefact) artefacts.push(artefact);
    facts.push(fact);
  });
  return { facts, artefacts };
}

function deliverableEvidence(
  row: Rows['deliverables'],
  n: number,
  context: RowContext,
): { fact: Fact; artefact: Artefact | null } {
  const { source, untrusted } = context;
  const key = value(row.deliverable_id)?.replace(/[^\w-]/g, '_') ?? String(n);
  const title = shown('title', row.title, untrusted);
  const prompt = shown('prompt', row.prompt, untrusted);
  const description = shown('description', row.description, untrusted);
  const image = row.image === null ? null : row.image.trim();
  const artefactId = image ? `${source}.deliverable.${key}.image` : null;
  const artefact: Artefact | null =
    image && artefactId
      ? {
          id: artefactId,
          kind: 'image',
          title: row.title ? cleanText(row.title, 200) : `Deliverable ${key}`,
          at: row.at,
          source,
          ...(/^https?:\/\//i.test(image) ? { url: image } : { path: image }),
        }
      : null;
  const fact = written({
    id: `${source}.deliverable.${key}`,
    kind: 'deliverable',
    at: row.at,
    source,
    untrusted: title?.untrusted || prompt?.untrusted || description?.untrusted || undefined,
    data: {
      deliverable_id: value(row.deliverable_id),
      title: row.title === null ? null : cleanText(row.title, MAX_VALUE_CHARS),
      artefact_id: artefactId,
      image: image ? cleanText(image, 2_000) : null,
      title_shown: title?.text ?? null,
      prompt_shown: prompt?.text ?? null,
      description_shown: description?.text ?? null,
      ...extraData('deliverables', row, untrusted),
    },
  });
  return { fact, artefact };
}

/** One message between the customer and the business, quoted whichever way it went. */
function communicationFact(row: Rows['communications'], n: number, context: RowContext): Fact {
  const { source, untrusted } = context;
  const subject = shown('subject', row.subject, untrusted);
  const body = shown('body', row.body, untrusted);
  return written({
    id: `${source}.communication.${n}`,
    kind: 'communication',
    at: row.at,
    source,
    untrusted: subject?.untrusted || body?.untrusted || undefined,
    data: {
      direction: row.direction,
      channel: value(row.channel),
      business_name: context.businessName ?? null,
      subject_shown: subject?.text ?? null,
      body_shown: body?.text ?? null,
      ...extraData('communications', row, untrusted),
    },
  });
}

/** The customer accepting a policy: which one, which version, where it was shown, from which IP. */
function policyAcceptanceFact(row: Rows['policy_acceptance'], n: number, context: RowContext): Fact {
  const { source, untrusted } = context;
  const ip = validIp(row.ip);
  const shownAt = value(row.shown_at);
  const policy = value(row.policy) ?? 'a';
  return written({
    id: `${source}.policy_acceptance.${n}`,
    kind: 'policy_acceptance',
    at: row.at,
    source,
    data: {
      policy,
      version: value(row.version),
      shown_at: shownAt,
      ip,
      ...extraData('policy_acceptance', row, untrusted),
    },
  });
}

/** For kinds whose rows each make one fact, numbered from 1 in time order. */
function oneFactPerRow<R extends { at: string }>(
  fact: (row: R, n: number, context: RowContext) => Fact,
): (rows: R[], context: RowContext) => RowEvidence {
  return (rows, context) => ({
    facts: inTimeOrder(rows).map((row, index) => fact(row, index + 1, context)),
    artefacts: [],
  });
}

/** Oldest first; the facts are numbered in this order. */
function inTimeOrder<R extends { at: string }>(rows: readonly R[]): R[] {
  return [...rows].sort((a, b) => a.at.localeCompare(b.at));
}

const validIp = (text: string | null): string | null => (text && isIP(text.trim()) ? text.trim() : null);
const value = (text: string | null): string | null => (text === null ? null : cleanText(text, MAX_VALUE_CHARS) || null);
const quoted = (text: string): string => `"${cleanText(text, MAX_UNTRUSTED_CHARS).replaceAll('"', '\u201D')}"`;

/** A column as a sentence shows it: quoted and flagged when the customer typed it, else a cleaned value. */
function shown(
  column: string,
  text: string | null,
  untrusted: ReadonlySet<string>,
): { text: string; untrusted: boolean } | null {
  if (text === null) return null;
  return untrusted.has(column)
    ? { text: quoted(text), untrusted: true }
    : { text: value(text) ?? '', untrusted: false };
}

/** The columns a query returns beyond its kind's own, kept as data (cleaned, capped) but not put in the sentence. */
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
