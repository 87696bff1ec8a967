import OpenAI, { AuthenticationError, NotFoundError } from 'openai';
import { zodResponseFormat, zodTextFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type OpenAiSandbox, startOpenAiSandbox } from '../../sandbox/openai/index.js';
import { checkAnswer, rebuttalOf } from '../../src/drafting/draft.js';
import { buildFactSheet } from '../../src/drafting/fact-sheet.js';
import { LlmAnswerSchema } from '../../src/drafting/llm.js';
import { buildPrompt } from '../../src/drafting/prompt.js';
import { sampleContext, sampleFacts } from '../../src/drafting/sample-case.js';
import { strategyFor } from '../../src/drafting/strategies.js';

let sandbox: OpenAiSandbox;
let client: OpenAI;
const sheet = buildFactSheet(sampleFacts(), sampleContext());
const [system, user] = buildPrompt(sheet, strategyFor('fraudulent'), []);

beforeAll(async () => {
  sandbox = await startOpenAiSandbox({ apiKey: 'sk-test-sandbox' });
  client = new OpenAI({ apiKey: 'sk-test-sandbox', baseURL: sandbox.url, maxRetries: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.behave('normal');
});

describe('the OpenAI stand-in', () => {
  it('serves at a /v1 base URL on 127.0.0.1 and lists its models', async () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain('gpt-4.1-mini');
    expect((await client.models.retrieve('gpt-4.1')).owned_by).toBe('sandbox');
    await expect(client.models.retrieve('gpt-0')).rejects.toBeInstanceOf(NotFoundError);
  });

  it("rejects a wrong key with OpenAI's invalid_api_key error", async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong-key-1234', baseURL: sandbox.url, maxRetries: 0 });
    const error = await wrong.models.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
    const last = sandbox.requests.at(-1);
    expect(last?.status).toBe(401);
    expect(last?.headers.authorization).toBe('Bearer sk-wrong-key-1234');
  });

  it('answers chat completions with a grounded rebuttal in the real response shape', async () => {
    const completion = await client.chat.completions.parse({
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: system?.content ?? '' },
        { role: 'user', content: user?.content ?? '' },
      ],
      response_format: zodResponseFormat(LlmAnswerSchema, 'rebuttal_draft'),
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(typeof completion.choices[0]?.message.content).toBe('string');
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
    const parsed = completion.choices[0]?.message.parsed;
    expect(parsed && checkAnswer(parsed, sheet).ok).toBe(true);
  });

  it('answers the Responses API with structured output as well', async () => {
    const response = await client.responses.parse({
      model: 'gpt-4.1-mini',
      instructions: system?.content ?? '',
      input: [{ role: 'user', content: user?.content ?? '' }],
      text: { format: zodTextFormat(LlmAnswerSchema, 'rebuttal_draft') },
    });
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe('completed');
    expect(response.output[0]?.type).toBe('message');
    expect(response.usage?.input_tokens).toBeGreaterThan(100);
    const parsed = response.output_parsed;
    expect(parsed && rebuttalOf(parsed).citedFacts.length).toBeGreaterThan(0);
    expect(parsed && checkAnswer(parsed, sheet).ok).toBe(true);
    const sent = sandbox.requests.at(-1);
    expect(sent).toMatchObject({
      path: '/v1/responses',
      body: { text: { format: { type: 'json_schema', name: 'rebuttal_draft', strict: true } } },
    });
  });

  it('fills any other schema with a value of the right shape', async () => {
    const Triage = z.object({ fight: z.boolean(), score: z.number().min(0.2), reasons: z.array(z.string()) });
    const completion = await client.chat.completions.parse({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Should we fight this dispute?' }],
      response_format: zodResponseFormat(Triage, 'triage'),
    });
    expect(completion.choices[0]?.message.parsed).toEqual({ fight: false, score: 0.2, reasons: [] });
  });

  it('misbehaves only as many times as told, then answers normally again', async () => {
    sandbox.behave('server_error', { times: 2 });
    const ask = () =>
      client.chat.completions
        .create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: user?.content ?? '' }] })
        .then(
          () => 200,
          (error: { status?: number }) => error.status ?? 0,
        );
    expect([await ask(), await ask(), await ask()]).toEqual([500, 500, 200]);
    expect(
      sandbox
        .completionRequests()
        .slice(-3)
        .map((request) => request.mode),
    ).toEqual(['server_error', 'server_error', 'normal']);
  });

  it('sends retry-after with a 429 and an OpenAI error body', async () => {
    sandbox.behave('rate_limit', { times: 1, retryAfterSeconds: 7 });
    const response = await fetch(`${sandbox.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test-sandbox', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [] }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
  });

  it('answers an unknown route with a 404 in the same error shape', async () => {
    const response = await fetch(`${sandbox.url}/embeddings`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test-sandbox' },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { message: 'Invalid URL (POST /v1/embeddings)', type: 'invalid_request_error', param: null, code: null },
    });
  });
});
