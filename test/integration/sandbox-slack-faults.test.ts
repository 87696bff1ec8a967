import {
  type Logger,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

let sandbox: SlackSandbox;
let client: WebClient;

beforeEach(async () => {
  sandbox = await startSlackSandbox({ channels: ['C0DISPUTES', 'C0OTHER001'] });
  client = new WebClient(sandbox.botToken, {
    slackApiUrl: sandbox.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quiet,
  });
});
afterEach(async () => {
  await sandbox.close();
});

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
}

describe('Slack sandbox: rate limits and faults', () => {
  it('chat.postMessage allows a burst of 5 per channel, then answers 429 with Retry-After', async () => {
    for (let i = 0; i < 5; i += 1) await client.chat.postMessage({ channel: 'C0DISPUTES', text: `m${i}` });
    const error = await failure(client.chat.postMessage({ channel: 'C0DISPUTES', text: 'one too many' }));
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect((error as WebAPIRateLimitedError).retryAfter).toBe(1);
    expect(sandbox.callsTo('chat.postMessage').at(-1)).toMatchObject({ status: 429, ok: false, error: 'ratelimited' });
    // Another channel has its own bucket, and the limited message was not stored.
    await expect(client.chat.postMessage({ channel: 'C0OTHER001', text: 'fine' })).resolves.toMatchObject({ ok: true });
    expect(sandbox.messages('C0DISPUTES').map((m) => m.text)).not.toContain('one too many');
  });

  it('the bucket refills at one message per second', async () => {
    sandbox.setRateLimit('chat.postMessage', { perSecond: 1, burst: 1, scope: 'channel' });
    await client.chat.postMessage({ channel: 'C0DISPUTES', text: 'first' });
    await expect(failure(client.chat.postMessage({ channel: 'C0DISPUTES', text: 'x' }))).resolves.toBeInstanceOf(
      WebAPIRateLimitedError,
    );
    await new Promise((resolve) => setTimeout(resolve, 1050));
    await expect(client.chat.postMessage({ channel: 'C0DISPUTES', text: 'later' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('a WebClient without rejectRateLimitedCalls waits Retry-After and then succeeds', async () => {
    const patient = new WebClient(sandbox.botToken, {
      slackApiUrl: sandbox.apiUrl,
      retryConfig: { retries: 1 },
      logger: quiet,
    });
    sandbox.failNext({ method: 'chat.update', status: 429, retryAfter: 1 });
    const posted = await patient.chat.postMessage({ channel: 'C0DISPUTES', text: 'v1' });
    const started = Date.now();
    await patient.chat.update({ channel: 'C0DISPUTES', ts: posted.ts ?? '', text: 'v2' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sandbox.callsTo('chat.update').map((c) => c.status)).toEqual([429, 200]);
  });

  it('failNext injects a 429 with the given Retry-After, then the method works again', async () => {
    sandbox.failNext({ method: 'views.open', status: 429, retryAfter: 7 });
    const error = await failure(
      client.views.open({
        trigger_id: sandbox.issueTriggerId(),
        view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] },
      }),
    );
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect((error as WebAPIRateLimitedError).retryAfter).toBe(7);
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
  });

  it('failNext injects server errors and Slack errors for a number of calls', async () => {
    sandbox.failNext({ method: 'chat.postMessage', status: 503, times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const error = await failure(client.chat.postMessage({ channel: 'C0DISPUTES', text: 'x' }));
      expect(error).toBeInstanceOf(WebAPIHTTPError);
      expect((error as WebAPIHTTPError).statusCode).toBe(503);
    }
    sandbox.failNext({ method: 'chat.postMessage', error: 'not_in_channel' });
    const platform = await failure(client.chat.postMessage({ channel: 'C0DISPUTES', text: 'x' }));
    expect(platform).toBeInstanceOf(WebAPIPlatformError);
    expect((platform as WebAPIPlatformError).data.error).toBe('not_in_channel');
    await expect(client.chat.postMessage({ channel: 'C0DISPUTES', text: 'ok now' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('while down, calls fail at the connection and nothing is recorded; back up, they work', async () => {
    await client.auth.test();
    sandbox.down(true);
    const error = await failure(client.chat.postMessage({ channel: 'C0DISPUTES', text: 'lost' }));
    expect(error).toBeInstanceOf(WebAPIRequestError);
    const response = await failure(fetch(`${sandbox.url}/response/x`, { method: 'POST', body: '{}' }));
    expect(response).toBeInstanceOf(TypeError);
    expect(sandbox.callsTo('chat.postMessage')).toHaveLength(0);
    sandbox.down(false);
    await expect(client.chat.postMessage({ channel: 'C0DISPUTES', text: 'back' })).resolves.toMatchObject({ ok: true });
  });
});
