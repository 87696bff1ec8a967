import { existsSync } from 'node:fs';
import cron from 'node-cron';
import { z } from 'zod';
import { WEEKDAYS, type Weekday } from './dates.js';
import { LANGUAGE_EXPECTED, LANGUAGE_SETTINGS } from './dispute/language.js';
import { DEFAULT_REBUTTAL_MAX_CHARS, MAX_REBUTTAL_CHARS, MIN_REBUTTAL_MAX_CHARS } from './drafting/limits.js';
import { envFileCuts } from './env-file.js';
import { currencyDecimals } from './money.js';

/** Parses "90s", "30m", "48h", "2d" (or a bare number of milliseconds) into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return undefined;
  const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  const unit = (match[2] ?? 'ms') as keyof typeof unitMs;
  return Math.round(Number(match[1]) * unitMs[unit]);
}

const duration = (example: string) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as ${example}, got "${text}"` });
      return z.NEVER;
    }
    return ms;
  });

const url = (what: string) => z.string().refine((text) => URL.canParse(text), { message: `expected a URL (${what})` });
/** A PostgreSQL connection string: `localhost:5432/rebut` parses as a URL (scheme "localhost:") but is not one. */
const postgresUrl = (what: string) =>
  z.string().refine((text) => /^postgres(ql)?:\/\//.test(text) && URL.canParse(text), {
    message: `expected a postgres:// URL (${what})`,
  });

/** A Slack user id (U…) or user-group id (S…), as SLACK_APPROVERS lists them. */
export const approverId = z.string().regex(/^[US][A-Z0-9]{2,}$/, 'expected user ids (U…) or user-group ids (S…)');

export const channelId = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a channel id such as C0123456789 (not a #name)');

const optionalText = z
  .string()
  .optional()
  .transform((text) => (text?.trim() ? text.trim() : undefined));

/** The products file read when PRODUCTS_CONFIG is not set, if it exists. */
export const DEFAULT_PRODUCTS_CONFIG = 'rebut.products.yml';

/** Every setting (README → Configuration), read from the environment (and `.env`). */
const PACKET_THREADS_EXPECTED =
  'expected a whole number of threads from 0 to 16 (0 builds the PDFs on the main thread)';
const WORKER_CONCURRENCY_EXPECTED = 'expected a whole number of jobs from 1 to 32';

const DIGEST_HOUR_EXPECTED = 'expected an hour from 0 to 23 (UTC)';

const REBUTTAL_CHARS_EXPECTED = `expected a number of characters from ${MIN_REBUTTAL_MAX_CHARS} to ${MAX_REBUTTAL_CHARS.toLocaleString('en-US')} (Stripe's limit)`;

export const settingsSchema = z.object({
  DATABASE_URL: optionalText.pipe(postgresUrl('postgres://user:password@host:5432/db').optional()),
  REBUT_DATA_DIR: z.string().default('.rebut'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** The address to listen on: 0.0.0.0 (every interface, as a container needs), or 127.0.0.1 behind a proxy. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Set → `/metrics` answers only requests with `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: optionalText,
  STRIPE_SECRET_KEY: optionalText.pipe(
    z
      .string()
      .regex(/^(sk|rk)_(test|live)_\w+$/, 'expected a key starting sk_test_, sk_live_, rk_test_ or rk_live_')
      .optional(),
  ),
  STRIPE_WEBHOOK_SECRET: optionalText.pipe(
    z.string().startsWith('whsec_', 'expected the endpoint signing secret, starting whsec_').optional(),
  ),
  STRIPE_API_URL: optionalText.pipe(url('for example http://127.0.0.1:12111').optional()),
  SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith('xoxb-', 'expected a bot token starting xoxb-').optional()),
  SLACK_SIGNING_SECRET: optionalText,
  /**
   * `true` lets `rebut serve` run without Slack (SLACK_BOT_TOKEN unset). No person sees a case from this instance:
   * another instance with a Slack token shows them, or only the owner's autopilot rules act. Said at start and by
   * `/readyz`.
   */
  REBUT_HEADLESS: optionalText.pipe(
    z
      .enum(['true', 'false'], { error: 'expected true or false' })
      .transform((value) => value === 'true')
      .default(false),
  ),
  SLACK_APP_TOKEN: optionalText.pipe(
    z.string().startsWith('xapp-', 'expected an app-level token starting xapp-').optional(),
  ),
  SLACK_CHANNEL_ID: optionalText.pipe(channelId.optional()),
  /** Where the weekly digest goes: unset or empty → SLACK_CHANNEL_ID; `off` → no digest. */
  REBUT_DIGEST_CHANNEL: optionalText.pipe(z.union([z.literal('off'), channelId]).optional()),
  /** The day the weekly digest goes out (UTC), and its hour. */
  REBUT_DIGEST_DAY: optionalText
    .transform((text) => text?.toLowerCase())
    .pipe(z.enum(WEEKDAYS, { error: 'expected a day of the week such as monday' }).default('monday')),
  REBUT_DIGEST_HOUR: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,2}$/, DIGEST_HOUR_EXPECTED)
      .transform(Number)
      .refine((hour) => hour <= 23, DIGEST_HOUR_EXPECTED)
      .default(9),
  ),
  SLACK_APPROVERS: z
    .string()
    .optional()
    .transform((text) =>
      (text ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(z.array(approverId)),
  SLACK_API_URL: optionalText.pipe(url('for example http://127.0.0.1:4010/api/').optional()),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(url('an OpenAI-compatible API base such as http://127.0.0.1:8000/v1').optional()),
  OPENAI_MODEL: z.string().default('gpt-4.1-mini'),
  /** How long one request to the model may take (a local model needs more). */
  LLM_REQUEST_TIMEOUT: duration('20s').default(20_000),
  /** How long drafting one rebuttal may take in all, the retry included; then the template drafts it. */
  DRAFT_TIMEOUT: duration('30s').default(30_000),
  /** The rebuttal's length: the template's ceiling and the model's target (long lists belong in the files). */
  REBUT_REBUTTAL_MAX_CHARS: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, REBUTTAL_CHARS_EXPECTED)
      .transform(Number)
      .refine((chars) => chars >= MIN_REBUTTAL_MAX_CHARS && chars <= MAX_REBUTTAL_CHARS, REBUTTAL_CHARS_EXPECTED)
      .default(DEFAULT_REBUTTAL_MAX_CHARS),
  ),
  /**
   * The language of what goes to the bank (the rebuttal, the evidence files): en, fr, de, es, or auto for the card
   * issuer's country's (dispute/language.ts). Slack stays in English.
   */
  REBUT_LANGUAGE: optionalText
    .transform((text) => text?.toLowerCase())
    .pipe(z.enum(LANGUAGE_SETTINGS, { error: LANGUAGE_EXPECTED }).default('en')),
  REVIEW_WINDOW: duration('48h').default(48 * 3_600_000),
  SUBMIT_BUFFER: duration('12h').default(12 * 3_600_000),
  /** The least time a person has to see a case before rebut acts alone; the buffer alone never cuts below it. */
  MIN_REVIEW_TIME: duration('1h').default(3_600_000),
  /** At auto_submit_at, what happens to a case triage says not to fight: concede it, leave it to a person, or fight. */
  UNWINNABLE_ACTION: z.enum(['accept', 'hold', 'submit']).default('accept'),
  /** How long an early fraud warning's message waits for a person before the policy's choice is taken. */
  EFW_REVIEW_WINDOW: duration('24h').default(24 * 3_600_000),
  /** An early fraud warning is refunded by the policy when its charge is at most this many dispute fees. */
  EFW_REFUND_UP_TO_FEES: z.coerce
    .number()
    .min(0, 'expected a number of dispute fees such as 1 (0: never refund without a person)')
    .max(100)
    .default(1),
  /** After refunding a warned charge, also cancel the customer's subscriptions (no more charges on that card). */
  EFW_CANCEL_SUBSCRIPTIONS: optionalText.pipe(
    z
      .enum(['true', 'false'], { error: 'expected true or false' })
      .transform((value) => value === 'true')
      .default(false),
  ),
  /** Of warnings left alone, the share assumed to become disputes until the product has its own record. */
  EFW_DISPUTE_RATE: z.coerce.number().gt(0).lt(1).default(0.8),
  /**
   * `when_cheaper`: a chargeback triage says to fight whose expected loss is lower with Stripe's Smart Disputes
   * (triage/paths.ts) is left to Smart Disputes instead of answered by rebut. `off`: rebut answers; the comparison is
   * only shown.
   */
  SMART_DISPUTES: z.enum(['off', 'when_cheaper']).default('off'),
  /**
   * Stripe's countered fee per currency, where rebut has no published figure or the account pays another (a
   * contract): `chf:25.00,sek:200`, in the currency's own units. Over Stripe's published figures (triage/fees.ts).
   */
  COUNTERED_FEES: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const fees: Record<string, number> = {};
      for (const entry of (text ?? '')
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)) {
        const match = /^([a-z]{3})\s*[:=]\s*(\d+(?:\.\d+)?)$/i.exec(entry);
        if (!match?.[1] || !match[2]) {
          ctx.addIssue({ code: 'custom', message: `expected currency:amount pairs such as chf:25.00, got "${entry}"` });
          return z.NEVER;
        }
        const currency = match[1].toLowerCase();
        fees[currency] = Math.round(Number(match[2]) * 10 ** currencyDecimals(currency));
      }
      return fees;
    }),
  EVIDENCE_CONFIG: optionalText,
  /** The products file (README → Several products); default `rebut.products.yml` when present. */
  PRODUCTS_CONFIG: optionalText,
  APP_DATABASE_URL: optionalText.pipe(postgresUrl('the business database, postgres://…').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** When the auto-submit timer ticks (cron, optionally with seconds); every minute by default. */
  REBUT_TIMER_SCHEDULE: z
    .string()
    .default('* * * * *')
    .refine((expression) => cron.validate(expression), { message: 'expected a cron expression such as "* * * * *"' }),
  /** How long a worker may go without a heartbeat before its jobs are handed to another instance. */
  REBUT_WORKER_LEASE: duration('30s').default(30_000),
  /** Jobs one instance runs at once. Most of a job's time is spent waiting (Stripe, Slack, a packet thread). */
  REBUT_WORKER_CONCURRENCY: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,2}$/, WORKER_CONCURRENCY_EXPECTED)
      .transform(Number)
      .refine((workers) => workers >= 1 && workers <= 32, WORKER_CONCURRENCY_EXPECTED)
      .optional(),
  ),
  /** Threads that build evidence PDFs beside the main thread; 0 builds them on it. Default: 1 with two or more cores. */
  REBUT_PACKET_THREADS: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,2}$/, PACKET_THREADS_EXPECTED)
      .transform(Number)
      .refine((threads) => threads <= 16, PACKET_THREADS_EXPECTED)
      .optional(),
  ),
});

export type Settings = z.infer<typeof settingsSchema>;

/** What each command cannot run without; the message names every missing one at once. */
const requiredFor = {
  serve: ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'SLACK_CHANNEL_ID'],
  serveProducts: [],
  slack: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'],
  stripe: ['STRIPE_SECRET_KEY'],
  /** `rebut sync`: the one key without a products file; with one, each product's key is read from the file. */
  sync: ['STRIPE_SECRET_KEY'],
  syncProducts: [],
  none: [],
} as const satisfies Record<string, readonly (keyof Settings)[]>;

export type Requirement = keyof typeof requiredFor;

const hints: Partial<Record<keyof Settings, string>> = {
  STRIPE_SECRET_KEY:
    'Stripe dashboard → Developers → API keys: a restricted key with Disputes and Files write, and Charges, Customers, Payment Intents, Refunds, Subscriptions and Invoices read (README → Stripe set-up)',
  STRIPE_WEBHOOK_SECRET: 'Stripe dashboard → Developers → Webhooks → your endpoint → Signing secret',
  SLACK_BOT_TOKEN:
    'Slack app → OAuth & Permissions → Bot User OAuth Token; or REBUT_HEADLESS=true to run without Slack, where no person sees a case',
  SLACK_SIGNING_SECRET: 'Slack app → Basic Information → Signing Secret',
  SLACK_CHANNEL_ID: 'right-click the channel → View channel details → the id at the bottom',
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `rebut cannot start: ${problems.length === 1 ? 'one setting needs' : `${problems.length} settings need`} attention\n${problems
        .map((line) => `  - ${line}`)
        .join('\n')}\nSet them in the environment or in .env (see README → Configuration).`,
    );
    this.name = 'ConfigError';
  }
}

/** The values `.env.example` ships with: copied unchanged, they are not settings, and saying so is clearer. */
const EXAMPLE_VALUES: Partial<Record<keyof Settings, string>> = {
  STRIPE_SECRET_KEY: 'rk_test_...',
  STRIPE_WEBHOOK_SECRET: 'whsec_...',
  SLACK_BOT_TOKEN: 'xoxb-...',
  SLACK_SIGNING_SECRET: '...',
  SLACK_APP_TOKEN: 'xapp-...',
  SLACK_CHANNEL_ID: 'C0123456789',
  SLACK_APPROVERS: 'U0123456789,S0123456789',
  OPENAI_API_KEY: 'sk-...',
};

/** Reads every setting; all problems at once (malformed, still the example, missing), each naming its setting. */
export function loadSettings(env: NodeJS.ProcessEnv, ...needs: Requirement[]): Settings {
  const problems = new Map<string, string>();
  const withHint = (name: keyof Settings, text: string) => {
    const hint = hints[name];
    return `${name}: ${text}${hint ? ` (${hint})` : ''}`;
  };
  for (const [name, example] of Object.entries(EXAMPLE_VALUES) as [keyof Settings, string][]) {
    if (env[name]?.trim() === example) problems.set(name, withHint(name, 'still the example value from .env.example'));
  }
  for (const cut of envFileCuts) {
    if (cut.name in settingsSchema.shape && env[cut.name] === cut.read) {
      problems.set(
        cut.name,
        `${cut.name}: line ${cut.line} of .env has a # in its value, where .env starts a comment, so only ` +
          `${cut.read.length} characters were read; put the value in quotes: ${cut.name}="…"`,
      );
    }
  }
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'settings');
      if (!problems.has(name)) problems.set(name, `${name}: ${issue.message}`);
    }
  }
  // Read from the environment as given, so a malformed setting elsewhere hides no missing one.
  // rebut never acts unseen unless the owner said so: serving needs Slack, or REBUT_HEADLESS=true.
  const headless = env.REBUT_HEADLESS?.trim() === 'true';
  // With a products file, each product names its own Stripe key, webhook secrets and channel there.
  const products = Boolean(env.PRODUCTS_CONFIG?.trim()) || existsSync(DEFAULT_PRODUCTS_CONFIG);
  const ofProducts: Partial<Record<Requirement, Requirement>> = { serve: 'serveProducts', sync: 'syncProducts' };
  const serving: Requirement[] = needs.map((need) => (products ? (ofProducts[need] ?? need) : need));
  const wanted: Requirement[] = needs.includes('serve') && !headless ? [...serving, 'slack'] : serving;
  for (const need of new Set(wanted)) {
    for (const name of requiredFor[need]) {
      if (problems.has(name) || env[name]?.trim()) continue;
      problems.set(name, withHint(name, 'missing'));
    }
  }
  if (problems.size > 0 || !parsed.success) throw new ConfigError([...problems.values()]);
  return parsed.data;
}

/**
 * The weekly digest's day, hour (UTC) and channel: REBUT_DIGEST_CHANNEL, or SLACK_CHANNEL_ID when it is unset or
 * empty; undefined when it is `off` or there is no channel at all.
 */
export function digestSchedule(settings: Settings): { day: Weekday; hour: number; channel: string } | undefined {
  const channel = settings.REBUT_DIGEST_CHANNEL ?? settings.SLACK_CHANNEL_ID;
  if (!channel || channel === 'off') return undefined;
  return { day: settings.REBUT_DIGEST_DAY, hour: settings.REBUT_DIGEST_HOUR, channel };
}

/** Test-mode keys may only see test-mode events, and live keys live ones. */
export function stripeKeyIsLive(secretKey: string): boolean {
  return /^(sk|rk)_live_/.test(secretKey);
}
