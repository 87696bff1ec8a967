import type { Server } from 'node:http';
import { App, type Logger, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockActionBody,
  type SlackSandbox,
  signSlackRequest,
  slashCommandBody,
  startSlackSandbox,
  viewSubmissionBody,
} from '../../sandbox/slack/index.js';

const SECRET = 'sandbox-signing-secret';

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
let app: App;
let events: string;
const seen: { commands: string[]; submissions: string[] } = { commands: [], submissions: [] };

beforeAll(async () => {
  sandbox = await startSlackSandbox({ rateLimit: false });
  app = new App({
    token: sandbox.botToken,
    signingSecret: SECRET,
    botId: sandbox.botId,
    botUserId: sandbox.botUserId,
    logger: quiet,
    clientOptions: { slackApiUrl: sandbox.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command('/disputes', async ({ command, ack }) => {
    seen.commands.push(command.text);
    await ack(`got ${command.text}`);
  });
  app.action('dispute_approve', async ({ ack, body, client, respond }) => {
    await ack();
    if (body.type !== 'block_actions' || body.channel === undefined || body.message === undefined) return;
    await client.chat.update({ channel: body.channel.id, ts: body.message.ts, text: 'Approved' });
    await respond({ replace_original: false, text: 'Submitting…' });
  });
  app.view('rebuttal_edit', async ({ ack, view }) => {
    seen.submissions.push(view.state.values.rebuttal_block?.rebuttal_input?.value ?? '');
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('Bolt did not bind a TCP port');
  events = `http://127.0.0.1:${address.port}/slack/events`;
});
afterAll(async () => {
  await app.stop();
  await sandbox.close();
});

function post(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(events, { method: 'POST', headers, body });
}

describe('signed Slack requests to a real Bolt app', () => {
  it('Bolt accepts a slash command signed with signSlackRequest and answers with the ack body', async () => {
    const body = slashCommandBody({ command: '/disputes', text: 'stats 30d', responseUrl: sandbox.responseUrl() });
    const response = await post(body, signSlackRequest(body, SECRET));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('got stats 30d');
    expect(seen.commands).toContain('stats 30d');
  });

  it('Bolt refuses a request signed with another secret with 401 and runs no listener', async () => {
    const body = slashCommandBody({ text: 'forged', responseUrl: sandbox.responseUrl() });
    const response = await post(body, signSlackRequest(body, 'not-the-secret'));
    expect(response.status).toBe(401);
    expect(seen.commands).not.toContain('forged');
  });

  it('Bolt refuses a signature older than five minutes', async () => {
    const body = slashCommandBody({ text: 'stale', responseUrl: sandbox.responseUrl() });
    const response = await post(body, signSlackRequest(body, SECRET, Math.floor(Date.now() / 1000) - 301));
    expect(response.status).toBe(401);
  });

  it('a signed button click reaches the action listener, whose Web API call and respond() land in the sandbox', async () => {
    const posted = await app.client.chat.postMessage({ channel: 'C0DISPUTES', text: 'Case dp_9' });
    const ts = posted.ts ?? '';
    const responseUrl = sandbox.responseUrl('click-1');
    const body = blockActionBody({
      actionId: 'dispute_approve',
      blockId: 'case_dp_9_v1',
      value: 'dp_9',
      channelId: 'C0DISPUTES',
      messageTs: ts,
      responseUrl,
      triggerId: sandbox.issueTriggerId(),
    });
    const response = await post(body, signSlackRequest(body, SECRET));
    expect(response.status).toBe(200);
    await expect.poll(() => sandbox.responses.find((r) => r.id === 'click-1')?.text).toBe('Submitting…');
    expect(sandbox.messages('C0DISPUTES').find((m) => m.ts === ts)?.text).toBe('Approved');
  });

  it('a signed view submission carries the state values where Bolt listeners read them', async () => {
    const body = viewSubmissionBody({
      callbackId: 'rebuttal_edit',
      privateMetadata: '{"disputeId":"dp_9"}',
      values: { rebuttal_block: { rebuttal_input: { type: 'plain_text_input', value: 'The customer used it.' } } },
    });
    const response = await post(body, signSlackRequest(body, SECRET));
    expect(response.status).toBe(200);
    expect(seen.submissions).toContain('The customer used it.');
  });
});
