import { messageOf } from '../errors.js';
import type { Fact } from '../evidence/types.js';
import { checkClaims, joinStatements, type Statement } from './claims.js';
import { buildFactSheet, type DraftContext, type FactSheet } from './fact-sheet.js';
import { formatSeconds, plainText } from './format.js';
import {
  checkGrounding,
  describeFindings,
  type GroundingFinding,
  type GroundingResult,
  normaliseFactRef,
  SEVERITY,
} from './grounding.js';
import { DEFAULT_REBUTTAL_MAX_CHARS } from './limits.js';
import { addUsage, type LlmAnswer, type LlmDrafter, type LlmDraftOutcome, type LlmUsage } from './llm.js';
import { strategyFor } from './strategies.js';
import { draftFromTemplate, type TemplateDraft } from './template.js';

export { DEFAULT_REBUTTAL_MAX_CHARS, MAX_REBUTTAL_CHARS } from './limits.js';

/**
 * Drafting a rebuttal: the model writes, the grounding check judges, one retry
 * with the findings, and the template draft (flagged for review) whenever the model cannot
 * deliver a grounded draft in time. Always resolves, within `timeoutMs`.
 */

/** The whole drafting call, model retries included, ends within this unless the caller says otherwise. */
export const DEFAULT_DRAFT_TIMEOUT_MS = 30_000;

export interface DraftInput {
  facts: Fact[];
  context: DraftContext;
  /** Rebuttals that won earlier disputes with the same reason; the prompt uses up to three. */
  examples: string[];
  llm?: LlmDrafter;
  timeoutMs?: number;
  /** The rebuttal's length (REBUT_REBUTTAL_MAX_CHARS): the template's ceiling and the model's target. */
  maxChars?: number;
}

export interface DraftAttempt {
  author: string;
  /** `accepted` was returned; `rejected` failed the grounding check; `failed` never produced an answer. */
  outcome: 'accepted' | 'rejected' | 'failed';
  durationMs: number;
  findings: GroundingFinding[];
  failure: string | null;
  usage: LlmUsage | null;
  /** A refused draft's text, kept for a person who asks to read it (`/disputes show`), marked as refused. */
  refusedText?: string;
}

export interface DraftResult {
  text: string;
  author: 'template' | `llm:${string}`;
  /** Fact numbers as in the sheet (`F3`), ascending. */
  citedFacts: string[];
  grounding: GroundingResult;
  confidence: number | null;
  needsReview: boolean;
  weaknesses: string[];
  /** Tokens and cost of every model call made, accepted or not. */
  usage: LlmUsage | null;
  /** Why the template draft stands in for the model's, e.g. "model invented an amount: $120.00". */
  fallbackReason: string | null;
  attempts: DraftAttempt[];
  /** The numbered facts the citations refer to. */
  sheet: FactSheet;
}

export async function draftRebuttal(input: DraftInput): Promise<DraftResult> {
  const started = Date.now();
  const timeoutMs = input.timeoutMs ?? DEFAULT_DRAFT_TIMEOUT_MS;
  const deadline = started + timeoutMs;
  const sheet = buildFactSheet(input.facts, input.context);
  const maxChars = input.maxChars ?? DEFAULT_REBUTTAL_MAX_CHARS;
  const template = draftFromTemplate(sheet, maxChars);
  const attempts: DraftAttempt[] = [];
  const { llm } = input;

  if (!llm) return templateResult(sheet, template, attempts, null, null);

  // A reason evidence cannot win is answered with the template's concession and nothing else: a model told to concede
  // may still argue, and nothing it could add would change what the bank decides. The model is not asked.
  const strategy = strategyFor(input.context.reason);
  if (strategy.concession) return templateResult(sheet, template, attempts, null, null);
  const author = `llm:${llm.model}` as const;
  let usage: LlmUsage | null = null;
  let retry: { previous: LlmAnswer; findings: GroundingFinding[] } | undefined;

  for (let attempt = 1; attempt <= 2; attempt++) {
    const attemptStarted = Date.now();
    const outcome = await withDeadline(
      (signal) =>
        llm.draft({ sheet, strategy, examples: input.examples, maxChars, signal, ...(retry ? { retry } : {}) }),
      deadline,
    );
    const durationMs = Date.now() - attemptStarted;
    if (outcome === 'deadline') {
      const limit = `within the ${formatSeconds(timeoutMs)} drafting limit`;
      const reason = `model did not finish ${limit}`;
      attempts.push({ author, outcome: 'failed', durationMs, findings: [], failure: reason, usage: null });
      const fallbackReason = retry ? `${describeFindings(retry.findings)}; the retry did not finish ${limit}` : reason;
      return templateResult(sheet, template, attempts, usage, fallbackReason);
    }
    usage = addUsage(usage, outcome.usage);
    if (!outcome.ok) {
      attempts.push({
        author,
        outcome: 'failed',
        durationMs,
        findings: [],
        failure: outcome.failure.message,
        usage: outcome.usage,
      });
      const fallbackReason = retry
        ? `${describeFindings(retry.findings)}; the retry failed: ${outcome.failure.message}`
        : outcome.failure.message;
      return templateResult(sheet, template, attempts, usage, fallbackReason);
    }

    const { answer } = outcome;
    const grounding = checkAnswer(answer, sheet);
    attempts.push({
      author,
      outcome: grounding.ok ? 'accepted' : 'rejected',
      durationMs,
      findings: grounding.findings,
      failure: null,
      usage: outcome.usage,
      ...(grounding.ok ? {} : { refusedText: rebuttalOf(answer).text }),
    });
    if (grounding.ok) return acceptedResult(sheet, template, answer, author, attempts, usage, maxChars);
    if (attempt === 2) return templateResult(sheet, template, attempts, usage, describeFindings(grounding.findings));
    retry = { previous: answer, findings: grounding.findings };
  }
  // Unreachable: the loop returns on every path of its second turn.
  return templateResult(sheet, template, attempts, usage, 'model drafting ended unexpectedly');
}

function templateResult(
  sheet: FactSheet,
  template: TemplateDraft,
  attempts: DraftAttempt[],
  usage: LlmUsage | null,
  fallbackReason: string | null,
): DraftResult {
  attempts.push({ author: 'template', outcome: 'accepted', durationMs: 0, findings: [], failure: null, usage: null });
  return {
    text: template.text,
    author: 'template',
    citedFacts: template.citedFacts,
    grounding: checkGrounding(template.text, template.citedFacts, sheet),
    confidence: null,
    // Without a model the template is the intended draft; standing in for a failed model, someone should look.
    needsReview: fallbackReason !== null,
    weaknesses: template.weaknesses,
    usage,
    fallbackReason,
    attempts,
    sheet,
  };
}

function acceptedResult(
  sheet: FactSheet,
  template: TemplateDraft,
  answer: LlmAnswer,
  author: `llm:${string}`,
  attempts: DraftAttempt[],
  usage: LlmUsage | null,
  maxChars: number,
): DraftResult {
  const { text, citedFacts } = rebuttalOf(answer);
  const grounding = checkAnswer(answer, sheet);
  const weaknesses = [
    ...answer.weaknesses.map((weakness) => plainText(weakness, 300)).filter((weakness) => weakness !== ''),
    ...template.weaknesses,
  ];
  const overTarget = text.length > maxChars;
  if (overTarget) {
    weaknesses.push(`The draft has ${text.length} characters; the target is ${maxChars.toLocaleString('en-US')}.`);
  }
  const rejected = attempts.find((attempt) => attempt.outcome === 'rejected');
  if (rejected) weaknesses.push(`The model's first draft was rejected: ${describeFindings(rejected.findings, 'it')}.`);
  return {
    text,
    author,
    citedFacts,
    grounding,
    confidence: answer.confidence,
    needsReview: answer.needs_review || overTarget,
    weaknesses: [...new Set(weaknesses)].slice(0, 12),
    usage,
    fallbackReason: null,
    attempts,
    sheet,
  };
}

/**
 * The model's statements with fact markers (`[F3]`) moved into their citations, as the bank will read them and with
 * every fact they rest on.
 */
function statementsOf(answer: LlmAnswer): (Statement & { new_paragraph: boolean })[] {
  return answer.statements.map((statement) => {
    const stripped = stripFactMarkers(statement.text);
    return {
      text: stripped.text.trim(),
      facts: sortRefs([...statement.facts, ...stripped.markers]),
      new_paragraph: statement.new_paragraph,
    };
  });
}

/** The rebuttal text and every fact it cites. */
export function rebuttalOf(answer: LlmAnswer): { text: string; citedFacts: string[] } {
  const statements = statementsOf(answer);
  return { text: joinStatements(statements), citedFacts: sortRefs(statements.flatMap((statement) => statement.facts)) };
}

/** The whole text's checks (length, citations, values) and each statement against its own facts. */
export function checkAnswer(answer: LlmAnswer, sheet: FactSheet): GroundingResult {
  const { text, citedFacts } = rebuttalOf(answer);
  const whole = checkGrounding(text, citedFacts, sheet);
  const findings = [...whole.findings];
  for (const finding of checkClaims(statementsOf(answer), sheet)) {
    if (!findings.some((known) => known.kind === finding.kind && known.value === finding.value)) findings.push(finding);
  }
  findings.sort((a, b) => SEVERITY.indexOf(a.kind) - SEVERITY.indexOf(b.kind));
  return { ok: findings.length === 0, findings };
}

/** `… succeeded [F3].` → `… succeeded.`: fact numbers mean nothing to the bank; they move to the citations. */
export function stripFactMarkers(text: string): { text: string; markers: string[] } {
  const markers: string[] = [];
  const stripped = text.replace(/\s?[[(]\s*F\d+(?:\s*[,;]\s*F\d+)*\s*[\])]/g, (match) => {
    markers.push(...(match.match(/F\d+/g) ?? []));
    return '';
  });
  return { text: stripped, markers };
}

function sortRefs(refs: readonly string[]): string[] {
  const normalised = refs.map(normaliseFactRef).filter((ref): ref is string => ref !== null);
  return [...new Set(normalised)].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/**
 * Runs `work` with a signal that aborts at `deadline`, and returns `'deadline'` then even if the
 * work does not stop: the SDK sleeps through `retry-after` without watching the signal.
 */
async function withDeadline(
  work: (signal: AbortSignal) => Promise<LlmDraftOutcome>,
  deadline: number,
): Promise<LlmDraftOutcome | 'deadline'> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return 'deadline';
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('deadline');
    }, remaining);
  });
  // A drafter that throws (it should not) is a failed attempt, not a failed drafting call.
  const running = work(controller.signal).catch(
    (error: unknown): LlmDraftOutcome => ({
      ok: false,
      failure: {
        kind: 'unknown',
        message: `model call failed: ${messageOf(error)}`,
        status: null,
      },
      usage: null,
    }),
  );
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}
