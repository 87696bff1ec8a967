import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SourceResult } from '../types.js';
import { customerKeys, type EvidenceContext, errorMessage } from './context.js';
import { rowsToEvidence } from './row-facts.js';
import { type BusinessEvidence, businessEvidenceSchema } from './rows.js';

/**
 * The business's evidence endpoint. rebut POSTs who the dispute is about and the endpoint answers
 * with the same five kinds of evidence as the SQL queries.
 *
 * Request: `POST <http.url>`, `Content-Type: application/json`, body
 * `{"email": …, "customer_id": …, "charge_id": …, "charge_at": "<ISO 8601>"}` (null when unknown), and
 *
 *   X-Rebut-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * the same scheme as Stripe's webhooks. The endpoint recomputes the HMAC over the raw bytes it
 * received, compares in constant time, and refuses a `t` older than a few minutes (replays).
 * `verifyEvidenceSignature` below is the reference check. The answer must match
 * `businessEvidenceSchema` (src/evidence/sources/rows.ts); anything else is refused whole.
 */
export const SIGNATURE_HEADER = 'X-Rebut-Signature';
/** How old a signed request may be when the endpoint checks it; as Stripe's webhook default. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Largest answer read; evidence for one customer is kilobytes, so more is a broken endpoint. */
export const MAX_RESPONSE_BYTES = 5_000_000;
/** Rows kept per kind from the answer, newest last; the same order of magnitude as `sql.max_rows`. */
export const MAX_ROWS_PER_KIND = 500;

export interface EvidenceRequestBody {
  email: string | null;
  customer_id: string | null;
  charge_id: string;
  charge_at: string;
}

export function signEvidenceRequest(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/** The check the business's endpoint makes: a current timestamp and a matching v1 HMAC over the raw body. */
export function verifyEvidenceSignature(
  header: string | undefined,
  body: string,
  secret: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '');
  if (!Number.isInteger(timestamp) || signatures.length === 0) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex'));
  return signatures.some((signature) => {
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

async function readCapped(response: Response, max: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new Error(`answer larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeIssues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || 'answer'}: ${issue.message}`)
    .join('; ');
}

export async function gatherHttpEvidence(ctx: EvidenceContext): Promise<SourceResult> {
  const result: SourceResult = { source: 'http', facts: [], artefacts: [] };
  const http = ctx.config.http;
  if (!http) return result;
  const secret = (ctx.env ?? process.env)[http.secret_env];
  if (!secret) return { ...result, problem: `the HMAC secret variable ${http.secret_env} is not set` };

  const keys = customerKeys(ctx.dispute);
  const request: EvidenceRequestBody = {
    email: keys.email,
    customer_id: keys.customerId,
    charge_id: keys.chargeId,
    charge_at: keys.chargeAt,
  };
  const body = JSON.stringify(request);
  const signals = [AbortSignal.timeout(http.timeout), ...(ctx.signal ? [ctx.signal] : [])];
  let answer: BusinessEvidence;
  try {
    const response = await fetch(http.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'rebut-evidence',
        [SIGNATURE_HEADER]: signEvidenceRequest(secret, body),
      },
      body,
      // A signed request goes where it was configured to go, not where a redirect points.
      redirect: 'error',
      signal: AbortSignal.any(signals),
    });
    const text = await readCapped(response, MAX_RESPONSE_BYTES);
    if (!response.ok) return { ...result, problem: `${http.url} answered ${response.status}` };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ...result, problem: `${http.url} answered with something that is not JSON` };
    }
    const parsed = businessEvidenceSchema.safeParse(json);
    if (!parsed.success)
      return { ...result, problem: `refused the answer from ${http.url}: ${describeIssues(parsed.error)}` };
    answer = parsed.data;
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      ...result,
      problem: timedOut ? `${http.url} did not answer in time` : `${http.url}: ${errorMessage(error)}`,
    };
  }

  const options = { source: 'http', businessName: ctx.config.business.name };
  const problems: string[] = [];
  const capped = <T>(kind: string, rows: T[]): T[] => {
    if (rows.length <= MAX_ROWS_PER_KIND) return rows;
    problems.push(`${kind}: ${rows.length} rows, kept the first ${MAX_ROWS_PER_KIND}`);
    return rows.slice(0, MAX_ROWS_PER_KIND);
  };
  const parts = [
    rowsToEvidence('account', answer.account ? [answer.account] : [], options),
    rowsToEvidence('activity', capped('activity', answer.activity), options),
    rowsToEvidence('deliverables', capped('deliverables', answer.deliverables), options),
    rowsToEvidence('communications', capped('communications', answer.communications), options),
    rowsToEvidence('policy_acceptance', capped('policy_acceptance', answer.policy_acceptance), options),
  ];
  return {
    ...result,
    facts: parts.flatMap((part) => part.facts),
    artefacts: parts.flatMap((part) => part.artefacts),
    ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
  };
}
