import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAiSandbox, startOpenAiSandbox } from '../../sandbox/openai/index.js';
import { rebuttalOf } from '../../src/drafting/draft.js';
import { buildFactSheet } from '../../src/drafting/fact-sheet.js';
import { createLlmDrafter, type LlmDrafterOptions } from '../../src/drafting/llm.js';
import { injectionFact, sampleContext, sampleFacts } from '../../src/drafting/sample-case.js';
import { strategyFor } from '../../src/drafting/strategies.js';

let sandbox: OpenAiSandbox;
const sheet = buildFactSheet([...sampleFacts(), injectionFact()], sampleContext());
const request = { sheet, strategy: strategyFor('fraudulent'), examples: ['An earlier winning rebuttal.'] };

function drafter(overrides: Partial<LlmDrafterOptions> = {}) {
  return createLlmDrafter({
    apiKey: sandbox.apiKey,
    baseURL: sandbox.url,
    model: 'gpt-4.1-mini',
    timeoutMs: 5_000,
    maxRetries: 0,
    ...overrides,
  });
}

beforeAll(async () => {
  sandbox = await startOpenAiSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.behave('normal');
});

describe('the LLM drafter, through the official SDK', () => {
  it('asks for strict structured output and returns the parsed answer with usage and cost', async () => {
    const before = sandbox.completionRequests().length;
    const outcome = await drafter().draft(request);
    if (!outcome.ok) throw new Error(outcome.failure.message);
    expect(rebuttalOf(outcome.answer).citedFacts.length).toBeGreaterThan(3);
    expect(rebuttalOf(outcome.answer).text).toContain('du_1QsampleDispute0001');
    expect(outcome.answer.confidence).toBeGreaterThan(0);
    expect(outcome.usage).toMatchObject({ model: 'gpt-4.1-mini' });
    expect(outcome.usage?.promptTokens).toBeGreaterThan(100);
    expect(outcome.usage?.costUsd).toBeGreaterThan(0);

    const [sent] = sandbox.completionRequests().slice(before);
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe(`Bearer ${sandbox.apiKey}`);
    expect(sent?.body).toMatchObject({
      model: 'gpt-4.1-mini',
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'rebuttal_draft',
          strict: true,
          schema: {
            type: 'object',
            required: ['statements', 'confidence', 'needs_review', 'weaknesses'],
            additionalProperties: false,
          },
        },
      },
    });
  });

  it('reports an unknown model cost as null rather than guessing', async () => {
    const outcome = await drafter({ model: 'llama3.1:8b' }).draft(request);
    expect(outcome.usage?.costUsd).toBeNull();
    expect(outcome.usage?.totalTokens).toBeGreaterThan(0);
  });

  it('reports a rejected API key', async () => {
    const outcome = await drafter({ apiKey: 'sk-wrong' }).draft(request);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'auth', status: 401 } });
  });

  it('waits as long as retry-after asks before retrying a 429', async () => {
    sandbox.behave('rate_limit', { times: 1, retryAfterSeconds: 1 });
    const before = sandbox.completionRequests().length;
    const started = Date.now();
    const outcome = await drafter({ maxRetries: 2 }).draft(request);
    expect(outcome.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(
      sandbox
        .completionRequests()
        .slice(before)
        .map((sent) => sent.status),
    ).toEqual([429, 200]);
  });

  it('gives up on 429s after its retries, saying so', async () => {
    sandbox.behave('rate_limit', { retryAfterSeconds: 0 });
    const before = sandbox.completionRequests().length;
    const outcome = await drafter({ maxRetries: 2 }).draft(request);
    expect(outcome).toMatchObject({
      ok: false,
      failure: { kind: 'rate_limited', status: 429, message: 'model rate-limited (429) after 3 attempts' },
    });
    expect(sandbox.completionRequests().length - before).toBe(3);
  });

  it('retries a 5xx with backoff, then reports the server error', async () => {
    sandbox.behave('server_error', { status: 503 });
    const before = sandbox.completionRequests().length;
    const outcome = await drafter({ maxRetries: 1 }).draft(request);
    expect(outcome).toMatchObject({
      ok: false,
      failure: { kind: 'server_error', message: 'model server error (503) after 2 attempts' },
    });
    expect(sandbox.completionRequests().length - before).toBe(2);
  });

  it('times out a slow model', async () => {
    sandbox.behave('slow', { delayMs: 2_000 });
    const started = Date.now();
    const outcome = await drafter({ timeoutMs: 300 }).draft(request);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'timeout', message: 'model timed out after 0.3 s' } });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('reports invalid JSON and a schema violation as such', async () => {
    sandbox.behave('invalid_json');
    expect(await drafter().draft(request)).toMatchObject({
      ok: false,
      failure: { kind: 'invalid_json', message: 'model returned invalid JSON' },
    });
    sandbox.behave('schema_violation');
    const outcome = await drafter().draft(request);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'schema' } });
    expect(outcome.ok ? '' : outcome.failure.message).toMatch(
      /^model's answer did not match the schema \(statements: /,
    );
  });

  it('reports a server that resets the connection or is not there', async () => {
    sandbox.behave('down');
    expect(await drafter().draft(request)).toMatchObject({ ok: false, failure: { kind: 'unreachable' } });
    const nowhere = await startOpenAiSandbox();
    const url = nowhere.url;
    await nowhere.close();
    const outcome = await drafter({ baseURL: url }).draft(request);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'unreachable' } });
    expect(outcome.ok ? '' : outcome.failure.message).toBe(`model server unreachable at ${url} (ECONNREFUSED)`);
  });

  it('stops when the caller aborts', async () => {
    sandbox.behave('hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const outcome = await drafter().draft({ ...request, signal: controller.signal });
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'aborted' } });
  });
});
