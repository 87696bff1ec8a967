import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../config.js';
import { type FileProblem, FileProblems, readYaml } from '../yaml-file.js';

/**
 * `rebut.evidence.yml`: what the business tells rebut about itself — who it is, where its own
 * evidence lives (SQL queries, an HTTP endpoint), its policies and where customers saw them,
 * and where images may come from. `rebut.evidence.example.yml` documents every key.
 */

/** The only parameters a query may use; each becomes a positional `$n` (never string-spliced). */
export const QUERY_PARAMETERS = ['email', 'customer_id', 'charge_at'] as const;
export type QueryParameter = (typeof QUERY_PARAMETERS)[number];

/** The five kinds of business evidence, shared by the SQL and HTTP sources. */
export const BUSINESS_EVIDENCE_KINDS = [
  'account',
  'activity',
  'deliverables',
  'communications',
  'policy_acceptance',
] as const;
export type BusinessEvidenceKind = (typeof BUSINESS_EVIDENCE_KINDS)[number];

/** Where a customer can have seen a policy; issuers weigh "shown at checkout" above "in the terms". */
export const POLICY_SHOWN_AT = [
  'checkout_page',
  'signup_page',
  'in_app',
  'email',
  'receipt',
  'terms_link',
  'website',
] as const;
export type PolicyShownAt = (typeof POLICY_SHOWN_AT)[number];

export interface CompiledQuery {
  /** The SQL with `$email`, `$customer_id`, `$charge_at` replaced by `$1`, `$2`… */
  text: string;
  /** Which parameter each positional `$n` stands for, in order. */
  params: QueryParameter[];
}

const PARAMETER_PATTERN = /\$([A-Za-z_][A-Za-z0-9_]*|\d+)/g;

/** Turns named parameters into positional ones; unknown names are reported, not guessed. */
export function compileNamedQuery(sql: string): CompiledQuery | { unknown: string[] } {
  const params: QueryParameter[] = [];
  const unknown: string[] = [];
  const text = sql.replace(PARAMETER_PATTERN, (whole, name: string) => {
    if (!(QUERY_PARAMETERS as readonly string[]).includes(name)) {
      unknown.push(whole);
      return whole;
    }
    const parameter = name as QueryParameter;
    const existing = params.indexOf(parameter);
    if (existing >= 0) return `$${existing + 1}`;
    params.push(parameter);
    return `$${params.length}`;
  });
  return unknown.length > 0 ? { unknown } : { text, params };
}

const duration = (example: string) =>
  z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
    const ms = typeof value === 'number' ? value : parseDuration(value);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as ${example}, got "${value}"` });
      return z.NEVER;
    }
    return ms;
  });

const httpUrl = z
  .string()
  .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), 'expected an http(s) URL');

const querySql = z
  .string()
  .min(1)
  .superRefine((sql, ctx) => {
    const compiled = compileNamedQuery(sql);
    if ('unknown' in compiled) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown parameter ${[...new Set(compiled.unknown)].join(', ')}; use $email, $customer_id or $charge_at`,
      });
    }
  });

/** A query is its SQL, or the SQL plus which columns hold customer-typed text (always quoted, never obeyed). */
const queryConfig = z.preprocess(
  (value) => (typeof value === 'string' ? { query: value } : value),
  z
    .object({
      query: querySql,
      untrusted_columns: z.array(z.string().min(1)).optional(),
      /** deliverables only: the column holding an image URL or a path under `images.local_root`. */
      image_column: z.string().min(1).optional(),
    })
    .strict(),
);
export type QueryConfig = z.infer<typeof queryConfig>;

const policyConfig = z
  .object({
    text: z.string().min(1).optional(),
    /** A text or Markdown file, relative to this YAML file; read once at load. */
    file: z.string().min(1).optional(),
    shown_at: z.array(z.enum(POLICY_SHOWN_AT)).min(1),
    url: httpUrl.optional(),
    /** When this version took effect (YYYY-MM-DD). */
    effective: z.iso.date().optional(),
  })
  .strict()
  .refine((policy) => Boolean(policy.text) !== Boolean(policy.file), 'give exactly one of text or file');

/**
 * A policy is one version (the fields above), or its history: `versions`, each with the date it took effect. The
 * packet and the draft use the version in force when the customer paid (`policyInForceAt`).
 */
const policyEntry = z
  .object({
    text: z.string().min(1).optional(),
    file: z.string().min(1).optional(),
    shown_at: z.array(z.enum(POLICY_SHOWN_AT)).min(1).optional(),
    url: httpUrl.optional(),
    effective: z.iso.date().optional(),
    versions: z
      .array(policyConfig)
      .min(1)
      .refine(
        (versions) => versions.length === 1 || versions.every((version) => version.effective),
        'give every version its effective date (YYYY-MM-DD) so rebut can tell which was in force',
      )
      .optional(),
  })
  .strict()
  .superRefine((policy, ctx) => {
    if (policy.versions) {
      if (policy.text || policy.file || policy.shown_at) {
        ctx.addIssue({
          code: 'custom',
          message: 'give either versions or one version (text or file, shown_at), not both',
        });
      }
      return;
    }
    if (Boolean(policy.text) === Boolean(policy.file)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of text or file' });
    }
    if (!policy.shown_at) ctx.addIssue({ code: 'custom', path: ['shown_at'], message: 'say where customers saw it' });
  });

const sourceTimeout = (fallback: string) =>
  z
    .object({ timeout: duration(fallback).default(parseDuration(fallback) ?? 10_000) })
    .strict()
    .default({ timeout: parseDuration(fallback) ?? 10_000 });

export const evidenceConfigSchema = z
  .object({
    business: z
      .object({
        name: z.string().min(1),
        /** What the customer bought, as sold; goes into `product_description` and Visa CE 3.0. */
        product_description: z.string().min(1),
        support_email: z.email(),
        website: httpUrl,
        merchandise_or_services: z.enum(['merchandise', 'services']).default('services'),
      })
      .strict(),
    sql: z
      .object({
        statement_timeout: duration('5s').default(5_000),
        /** Rows kept per query, newest first; a query returning more is cut, and the cut is reported. */
        max_rows: z.number().int().positive().max(5_000).default(500),
        queries: z
          .object({
            account: queryConfig.optional(),
            activity: queryConfig.optional(),
            deliverables: queryConfig.optional(),
            communications: queryConfig.optional(),
            policy_acceptance: queryConfig.optional(),
          })
          .strict(),
      })
      .strict()
      .optional(),
    http: z
      .object({
        url: httpUrl,
        /** Name of the environment variable holding the HMAC secret; the secret itself never sits in this file. */
        secret_env: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as ROOMCRAFT_EVIDENCE_SECRET'),
        timeout: duration('10s').default(10_000),
      })
      .strict()
      .optional(),
    policies: z
      .object({
        refund: policyEntry.optional(),
        cancellation: policyEntry.optional(),
        terms: policyEntry.optional(),
      })
      .strict()
      .default({}),
    images: z
      .object({
        allowed_hosts: z.array(z.string().min(1)).default([]),
        /** Folder image paths from the business are resolved in (and may not leave), relative to this file. */
        local_root: z.string().min(1).optional(),
        max_bytes: z.number().int().positive().default(10_000_000),
        timeout: duration('10s').default(10_000),
      })
      .strict()
      .default({ allowed_hosts: [], max_bytes: 10_000_000, timeout: 10_000 }),
    sources: z
      .object({
        stripe: sourceTimeout('20s'),
        sql: sourceTimeout('15s'),
        http: sourceTimeout('15s'),
        config: sourceTimeout('5s'),
      })
      .strict()
      .default({
        stripe: { timeout: 20_000 },
        sql: { timeout: 15_000 },
        http: { timeout: 15_000 },
        config: { timeout: 5_000 },
      }),
  })
  .strict();

type ParsedEvidenceConfig = z.infer<typeof evidenceConfigSchema>;
type ParsedVersion = z.infer<typeof policyConfig>;

/** One version of a policy after loading: its text is always present (read from `file` when that was given). */
export type PolicyVersion = Omit<ParsedVersion, 'text' | 'file'> & { text: string };

/** A policy after loading: its versions, oldest first; its own fields are the newest version's. */
export type PolicyConfig = PolicyVersion & { versions: PolicyVersion[] };

/**
 * The version of a policy in force on `day` (YYYY-MM-DD, the day the customer paid): the newest that took effect
 * by then; a version without a date counts as always in force. Undefined when every version came later: that
 * policy was not what the customer saw, and nothing may say it was.
 */
export function policyInForceAt(policy: PolicyConfig, day: string | null): PolicyVersion | undefined {
  if (day === null) return policy.versions.at(-1);
  return policy.versions.filter((version) => !version.effective || version.effective <= day).at(-1);
}
export type PolicyName = 'refund' | 'cancellation' | 'terms';

export type EvidenceConfig = Omit<ParsedEvidenceConfig, 'policies'> & {
  policies: Partial<Record<PolicyName, PolicyConfig>>;
  /** The file it was read from, when it was. */
  path?: string;
};

export type EvidenceConfigProblem = FileProblem;

/** What is wrong with an evidence file, each problem with its key and line. */
export class EvidenceConfigError extends FileProblems {
  constructor(file: string, problems: EvidenceConfigProblem[]) {
    super(file, problems);
    this.name = 'EvidenceConfigError';
  }
}

/** Reads and checks `rebut.evidence.yml`; relative paths in it are taken from the file's folder. */
export function loadEvidenceConfig(path: string): EvidenceConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new EvidenceConfigError(path, [{ key: '', line: null, message: `cannot read: ${(error as Error).message}` }]);
  }
  return parseEvidenceConfig(text, { file: path, baseDir: dirname(resolve(path)) });
}

export function parseEvidenceConfig(text: string, options: { file?: string; baseDir?: string } = {}): EvidenceConfig {
  const file = options.file ?? 'rebut.evidence.yml';
  const baseDir = options.baseDir ?? process.cwd();
  const { data: config, lineOf } = readYaml(
    evidenceConfigSchema,
    text,
    file,
    (name, problems) => new EvidenceConfigError(name, problems),
  );
  const problems: EvidenceConfigProblem[] = [];
  const policies: Partial<Record<PolicyName, PolicyConfig>> = {};
  for (const name of ['refund', 'cancellation', 'terms'] as const) {
    const entry = config.policies[name];
    if (!entry) continue;
    const given = entry.versions ?? [{ ...entry, shown_at: entry.shown_at ?? [] }];
    const versions: PolicyVersion[] = [];
    given.forEach((version, index) => {
      const at = entry.versions ? ['policies', name, 'versions', index, 'file'] : ['policies', name, 'file'];
      const { file: versionFile, text, ...rest } = version;
      if (!versionFile) {
        versions.push({ ...rest, text: text ?? '' });
        return;
      }
      const policyPath = isAbsolute(versionFile) ? versionFile : resolve(baseDir, versionFile);
      let read: string;
      try {
        read = readFileSync(policyPath, 'utf8').trim();
      } catch (error) {
        problems.push({
          key: at.join('.'),
          line: lineOf(at),
          message: `cannot read ${policyPath}: ${(error as Error).message}`,
        });
        return;
      }
      if (!read) problems.push({ key: at.join('.'), line: lineOf(at), message: 'file is empty' });
      else versions.push({ ...rest, text: read });
    });
    versions.sort((a, b) => (a.effective ?? '').localeCompare(b.effective ?? ''));
    const newest = versions.at(-1);
    if (newest) policies[name] = { ...newest, versions };
  }
  if (problems.length > 0) throw new EvidenceConfigError(file, problems);

  const localRoot = config.images.local_root;
  return {
    ...config,
    policies,
    images: {
      ...config.images,
      local_root: localRoot === undefined ? undefined : isAbsolute(localRoot) ? localRoot : resolve(baseDir, localRoot),
    },
    ...(options.file ? { path: options.file } : {}),
  };
}
