import { type Logger, LogLevel, WebAPIPlatformError, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';

// The SDK logs Slack's warnings and [ERROR] lines; keep them out of the test output.
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

beforeAll(async () => {
  sandbox = await startSlackSandbox({
    channels: [
      { id: 'C0DISPUTES', name: 'disputes' },
      { id: 'C0PRIVATE1', name: 'private', members: ['U0BOB00001'] },
    ],
    rateLimit: false,
  });
  client = new WebClient(sandbox.botToken, { slackApiUrl: sandbox.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
});
afterAll(async () => {
  await sandbox.close();
});

async function slackError(call: Promise<unknown>): Promise<WebAPIPlatformError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WebAPIPlatformError)) throw new Error(`expected a Slack platform error, got ${String(error)}`);
  return error;
}

describe('Slack sandbox: messages', () => {
  it('chat.postMessage stores the message and answers with its channel and a Slack-style ts', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0DISPUTES', text: 'New dispute dp_1' });
    expect(posted.ok).toBe(true);
    expect(posted.channel).toBe('C0DISPUTES');
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.message?.text).toBe('New dispute dp_1');
    expect(posted.message?.bot_id).toBe(sandbox.botId);
    const stored = sandbox.messages('C0DISPUTES').find((m) => m.ts === posted.ts);
    expect(stored?.text).toBe('New dispute dp_1');
    const call = sandbox.callsTo('chat.postMessage').at(-1);
    expect(call).toMatchObject({ status: 200, ok: true, args: { channel: 'C0DISPUTES', text: 'New dispute dp_1' } });
    expect(call?.args).not.toHaveProperty('token');
  });

  it('message timestamps are unique and increasing even when posted at once', async () => {
    const posted = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.chat.postMessage({ channel: 'C0DISPUTES', text: `burst ${i}` })),
    );
    const stamps = posted.map((p) => p.ts ?? '');
    expect(new Set(stamps).size).toBe(20);
    const stored = sandbox.messages('C0DISPUTES').map((m) => m.ts);
    expect([...stored].sort()).toEqual(stored);
  });

  it('blocks are decoded from the form body and a missing text is accepted with a warning', async () => {
    const blocks = [{ type: 'section', block_id: 'case_dp_2_v1', text: { type: 'mrkdwn', text: '*dp_2*' } }];
    const posted = await client.chat.postMessage({ channel: 'C0DISPUTES', blocks });
    expect(posted.ok).toBe(true);
    expect(posted.response_metadata?.warnings).toContain('missing_text');
    expect(sandbox.callsTo('chat.postMessage').at(-1)?.args.blocks).toEqual(blocks);
    expect(sandbox.messages('C0DISPUTES').find((m) => m.ts === posted.ts)?.blocks).toEqual(blocks);
  });

  it('Slack fills in a block_id for blocks that have none', async () => {
    const posted = await client.chat.postMessage({
      channel: 'C0DISPUTES',
      text: 'x',
      blocks: [{ type: 'divider' }],
    });
    const stored = sandbox.messages('C0DISPUTES').find((m) => m.ts === posted.ts);
    expect(stored?.blocks?.[0]).toMatchObject({ type: 'divider', block_id: expect.any(String) });
  });

  it('chat.update replaces text and blocks, and text alone removes the blocks', async () => {
    const posted = await client.chat.postMessage({
      channel: 'C0DISPUTES',
      text: 'v1',
      blocks: [{ type: 'section', block_id: 'case_v1', text: { type: 'plain_text', text: 'v1' } }],
    });
    const ts = posted.ts ?? '';
    const v2 = [{ type: 'section', block_id: 'case_v2', text: { type: 'plain_text', text: 'v2' } }];
    const updated = await client.chat.update({ channel: 'C0DISPUTES', ts, text: 'v2', blocks: v2 });
    expect(updated).toMatchObject({ ok: true, channel: 'C0DISPUTES', ts, text: 'v2' });
    let stored = sandbox.messages('C0DISPUTES').find((m) => m.ts === ts);
    expect(stored).toMatchObject({ text: 'v2', blocks: v2, edited: { user: sandbox.botUserId } });

    await client.chat.update({ channel: 'C0DISPUTES', ts, text: 'v3' });
    stored = sandbox.messages('C0DISPUTES').find((m) => m.ts === ts);
    expect(stored?.text).toBe('v3');
    expect(stored?.blocks).toBeUndefined();
  });

  it('chat.update on an unknown ts is message_not_found and on an unknown channel channel_not_found', async () => {
    const missing = await slackError(client.chat.update({ channel: 'C0DISPUTES', ts: '1.000001', text: 'x' }));
    expect(missing.data.error).toBe('message_not_found');
    const noChannel = await slackError(client.chat.postMessage({ channel: 'C0NOWHERE1', text: 'x' }));
    expect(noChannel.data.error).toBe('channel_not_found');
    expect(sandbox.callsTo('chat.update').at(-1)).toMatchObject({ ok: false, error: 'message_not_found' });
  });

  it('thread replies are recorded under their parent, also when replying to a reply', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0DISPUTES', text: 'case' });
    const first = await client.chat.postMessage({ channel: 'C0DISPUTES', text: 'audit 1', thread_ts: parent.ts });
    await client.chat.postMessage({ channel: 'C0DISPUTES', text: 'audit 2', thread_ts: first.ts });
    const stored = sandbox.messages('C0DISPUTES').find((m) => m.ts === parent.ts);
    expect(stored?.thread_ts).toBe(parent.ts);
    expect(stored?.replies.map((r) => [r.text, r.thread_ts])).toEqual([
      ['audit 1', parent.ts],
      ['audit 2', parent.ts],
    ]);
    const unknown = await slackError(client.chat.postMessage({ channel: 'C0DISPUTES', text: 'x', thread_ts: '1.1' }));
    expect(unknown.data.error).toBe('thread_not_found');
  });

  it('a message without text, blocks or attachments is no_text', async () => {
    const error = await slackError(client.chat.postMessage({ channel: 'C0DISPUTES' } as never));
    expect(error.data.error).toBe('no_text');
  });

  it('chat.postEphemeral reaches only channel members and chat.delete removes a message', async () => {
    const ephemeral = await client.chat.postEphemeral({ channel: 'C0PRIVATE1', user: 'U0BOB00001', text: 'only bob' });
    expect(ephemeral.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(sandbox.ephemerals.at(-1)).toMatchObject({ channel: 'C0PRIVATE1', user: 'U0BOB00001', text: 'only bob' });
    const outsider = await slackError(
      client.chat.postEphemeral({ channel: 'C0PRIVATE1', user: 'U0ALICE001', text: 'not alice' }),
    );
    expect(outsider.data.error).toBe('user_not_in_channel');

    const posted = await client.chat.postMessage({ channel: 'C0PRIVATE1', text: 'to delete' });
    await client.chat.delete({ channel: 'C0PRIVATE1', ts: posted.ts ?? '' });
    expect(sandbox.messages('C0PRIVATE1').some((m) => m.ts === posted.ts)).toBe(false);
    const again = await slackError(client.chat.delete({ channel: 'C0PRIVATE1', ts: posted.ts ?? '' }));
    expect(again.data.error).toBe('message_not_found');
  });
});

describe('Slack sandbox: auth', () => {
  it('a missing token is not_authed and a wrong one invalid_auth, both with HTTP 200', async () => {
    const anonymous = await fetch(`${sandbox.apiUrl}auth.test`, { method: 'POST' });
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('content-type')).toBe('application/json');
    expect(await anonymous.json()).toEqual({ ok: false, error: 'not_authed' });

    const stranger = new WebClient('xoxb-wrong', { slackApiUrl: sandbox.apiUrl, retryConfig: { retries: 0 } });
    const error = await slackError(stranger.auth.test());
    expect(error.data.error).toBe('invalid_auth');
  });

  it('a JSON body with a Bearer token is accepted like the form encoding', async () => {
    const response = await fetch(`${sandbox.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.botToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0DISPUTES', text: 'json', blocks: [{ type: 'divider', block_id: 'd' }] }),
    });
    const reply = (await response.json()) as { ok: boolean; ts: string };
    expect(reply.ok).toBe(true);
    expect(sandbox.messages('C0DISPUTES').find((m) => m.ts === reply.ts)?.blocks).toEqual([
      { type: 'divider', block_id: 'd' },
    ]);
  });

  it('auth.test names the bot and an unknown method is unknown_method', async () => {
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: sandbox.botUserId, bot_id: sandbox.botId });
    const error = await slackError(client.apiCall('chat.postMessageX', { channel: 'C0DISPUTES' }));
    expect(error.data.error).toBe('unknown_method');
  });
});

describe('Slack sandbox: modals', () => {
  const modal = {
    type: 'modal' as const,
    callback_id: 'rebuttal_edit',
    private_metadata: JSON.stringify({ disputeId: 'dp_1' }),
    title: { type: 'plain_text' as const, text: 'Edit rebuttal' },
    submit: { type: 'plain_text' as const, text: 'Save' },
    blocks: [
      {
        type: 'input' as const,
        block_id: 'rebuttal_block',
        label: { type: 'plain_text' as const, text: 'Rebuttal' },
        element: { type: 'plain_text_input' as const, action_id: 'rebuttal_input', multiline: true, max_length: 3000 },
      },
    ],
  };

  it('views.open with an issued trigger id returns the view with an id and a hash', async () => {
    const opened = await client.views.open({ trigger_id: sandbox.issueTriggerId(), view: modal });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V[A-Z0-9]+$/),
      hash: expect.any(String),
      callback_id: 'rebuttal_edit',
      private_metadata: modal.private_metadata,
      state: { values: {} },
    });
  });

  it('a trigger id works once', async () => {
    const trigger = sandbox.issueTriggerId();
    await client.views.open({ trigger_id: trigger, view: modal });
    const error = await slackError(client.views.open({ trigger_id: trigger, view: modal }));
    expect(error.data.error).toBe('exchanged_trigger_id');
  });

  it('a trigger id the sandbox never issued is invalid_trigger_id', async () => {
    const error = await slackError(client.views.open({ trigger_id: '123.456.abc', view: modal }));
    expect(error.data.error).toBe('invalid_trigger_id');
  });

  it('a trigger id expires three seconds after it was issued', async () => {
    const trigger = sandbox.issueTriggerId();
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const error = await slackError(client.views.open({ trigger_id: trigger, view: modal }));
    expect(error.data.error).toBe('expired_trigger_id');
  });

  it('views.update by view_id accepts the current hash and refuses a stale one with hash_conflict', async () => {
    const opened = await client.views.open({ trigger_id: sandbox.issueTriggerId(), view: modal });
    const id = opened.view?.id ?? '';
    const firstHash = opened.view?.hash ?? '';
    const loaded = { ...modal, title: { type: 'plain_text' as const, text: 'Draft ready' } };
    const updated = await client.views.update({ view_id: id, hash: firstHash, view: loaded });
    expect(updated.view?.id).toBe(id);
    expect(updated.view?.hash).not.toBe(firstHash);
    expect(sandbox.views().get(id)?.title).toEqual(loaded.title);
    const stale = await slackError(client.views.update({ view_id: id, hash: firstHash, view: modal }));
    expect(stale.data.error).toBe('hash_conflict');
    const unknown = await slackError(client.views.update({ view_id: 'V0NOPE', view: modal }));
    expect(unknown.data.error).toBe('not_found');
  });

  it('views.push needs a fresh trigger id too', async () => {
    const pushed = await client.views.push({ trigger_id: sandbox.issueTriggerId(), view: modal });
    expect(pushed.view?.id).toMatch(/^V/);
    const error = await slackError(client.views.push({ trigger_id: 'nope', view: modal }));
    expect(error.data.error).toBe('invalid_trigger_id');
  });
});

describe('Slack sandbox: files', () => {
  it('files.uploadV2 uploads the bytes to the loopback upload URL and shares them in the thread', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0DISPUTES', text: 'stats' });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3, 255]);
    const result = await client.files.uploadV2({
      channel_id: 'C0DISPUTES',
      thread_ts: parent.ts ?? '',
      file: png,
      filename: 'win-rate.png',
      title: 'Win rate, last 30 days',
      alt_text: 'bar chart',
      initial_comment: 'Win rate by reason',
    });
    expect(result.ok).toBe(true);
    const file = sandbox.uploadedFiles.at(-1);
    expect(file).toMatchObject({
      name: 'win-rate.png',
      title: 'Win rate, last 30 days',
      channel: 'C0DISPUTES',
      thread_ts: parent.ts,
      altText: 'bar chart',
      initialComment: 'Win rate by reason',
    });
    expect(file?.bytes.equals(png)).toBe(true);
    const getUrl = sandbox.callsTo('files.getUploadURLExternal').at(-1);
    expect(getUrl?.args).toMatchObject({ filename: 'win-rate.png', length: String(png.length) });
    const complete = sandbox.callsTo('files.completeUploadExternal').at(-1);
    expect(complete?.args.files).toEqual([{ id: file?.id, title: 'Win rate, last 30 days' }]);
    const thread = sandbox.messages('C0DISPUTES').find((m) => m.ts === parent.ts)?.replies ?? [];
    expect(thread.at(-1)).toMatchObject({
      text: 'Win rate by reason',
      files: [{ id: file?.id, name: 'win-rate.png' }],
    });
  });

  it('completing an upload whose bytes never arrived is refused', async () => {
    const url = await client.files.getUploadURLExternal({ filename: 'a.pdf', length: 10 });
    expect(url.upload_url).toMatch(new RegExp(`^${sandbox.url}/upload/v1/F`));
    const error = await slackError(
      client.files.completeUploadExternal({ files: [{ id: url.file_id ?? '' }], channel_id: 'C0DISPUTES' }),
    );
    expect(error.data.error).toBe('file_not_found');
  });
});

describe('Slack sandbox: people and channels', () => {
  let people: SlackSandbox;
  let peopleClient: WebClient;
  beforeAll(async () => {
    people = await startSlackSandbox({
      usergroups: { S0APPROVERS: ['U0ALICE001', 'U0CAROL001'] },
      users: [{ id: 'U0ALICE001', name: 'alice', realName: 'Alice Approver' }],
      scopes: ['usergroups:read', 'users:read', 'channels:read'],
    });
    peopleClient = new WebClient(people.botToken, { slackApiUrl: people.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => {
    await people.close();
  });

  it('usergroups.users.list returns the members of a configured group and no_such_subteam otherwise', async () => {
    const group = await peopleClient.usergroups.users.list({ usergroup: 'S0APPROVERS' });
    expect(group.users).toEqual(['U0ALICE001', 'U0CAROL001']);
    const error = await slackError(peopleClient.usergroups.users.list({ usergroup: 'S0NOBODY' }));
    expect(error.data.error).toBe('no_such_subteam');
  });

  it('users.info knows configured users and group members, and conversations.info the channels', async () => {
    const alice = await peopleClient.users.info({ user: 'U0ALICE001' });
    expect(alice.user).toMatchObject({ id: 'U0ALICE001', name: 'alice', real_name: 'Alice Approver', is_bot: false });
    const carol = await peopleClient.users.info({ user: 'U0CAROL001' });
    expect(carol.user?.id).toBe('U0CAROL001');
    expect((await slackError(peopleClient.users.info({ user: 'U0NOBODY01' }))).data.error).toBe('user_not_found');
    const channel = await peopleClient.conversations.info({ channel: 'C0DISPUTES' });
    expect(channel.channel).toMatchObject({ id: 'C0DISPUTES', name: 'disputes', is_member: true });
    const missing = await slackError(peopleClient.conversations.info({ channel: 'C0NOPE0001' }));
    expect(missing.data.error).toBe('channel_not_found');
  });
});

describe('Slack sandbox: response URLs', () => {
  it('a POST to a response URL is recorded and answered 200; an unknown one gets 404', async () => {
    const url = sandbox.responseUrl('cmd-1');
    expect(url).toBe(`${sandbox.url}/response/cmd-1`);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'Syncing…', replace_original: false }),
    });
    expect(response.status).toBe(200);
    expect(sandbox.responses.at(-1)).toMatchObject({
      id: 'cmd-1',
      response_type: 'ephemeral',
      text: 'Syncing…',
      replace_original: false,
    });
    const unknown = await fetch(`${sandbox.url}/response/never-issued`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
  });

  it('a response URL tied to a message replaces it on replace_original and works five times at most', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0DISPUTES', text: 'Case dp_7: awaiting review' });
    const url = sandbox.responseUrl(undefined, { channel: 'C0DISPUTES', messageTs: posted.ts ?? '' });
    const send = (text: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ replace_original: true, text }),
      });
    expect((await send('Case dp_7: submitted')).status).toBe(200);
    expect(sandbox.messages('C0DISPUTES').find((m) => m.ts === posted.ts)?.text).toBe('Case dp_7: submitted');
    for (let use = 2; use <= 5; use += 1) expect((await send(`use ${use}`)).status).toBe(200);
    expect((await send('sixth')).status).toBe(404);
  });

  it('a response URL expires 30 minutes after it is handed out (here shortened): 404 expired_url, nothing recorded', async () => {
    const short = await startSlackSandbox({ responseUrlTtlMs: 100 });
    try {
      const url = short.responseUrl('late');
      const send = () => fetch(url, { method: 'POST', body: JSON.stringify({ text: 'done' }) });
      expect((await send()).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const late = await send();
      expect([late.status, await late.text()]).toEqual([404, 'expired_url']);
      expect(short.responses.filter((r) => r.id === 'late')).toHaveLength(1);
    } finally {
      await short.close();
    }
  });

  it('a response with invalid blocks is refused with 400 and not recorded', async () => {
    const url = sandbox.responseUrl('bad-blocks');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: 'x',
        blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }],
      }),
    });
    expect(response.status).toBe(400);
    expect(sandbox.responses.some((r) => r.id === 'bad-blocks')).toBe(false);
  });
});

describe('Slack sandbox: scopes and channel membership, as Slack enforces them', () => {
  it('sends the token scopes in x-oauth-scopes and answers missing_scope for a method without its scope', async () => {
    const narrow = await startSlackSandbox({ scopes: ['chat:write'], rateLimit: false });
    try {
      const web = new WebClient(narrow.botToken, {
        slackApiUrl: narrow.apiUrl,
        retryConfig: { retries: 0 },
        logger: quiet,
      });
      const identity = await web.auth.test();
      expect(identity.response_metadata?.scopes).toEqual(['chat:write']);
      const error = await slackError(web.conversations.history({ channel: 'C0DISPUTES' }));
      expect(error.data.error).toBe('missing_scope');
      expect(error.data).toMatchObject({ needed: 'channels:history', provided: 'chat:write' });
    } finally {
      await narrow.close();
    }
  });

  it('a bot not invited cannot post (without chat:write.public), read history or share a file there', async () => {
    const channels = [{ id: 'C0NOTINVIT', name: 'elsewhere', botIsMember: false }];
    const manifest = await startSlackSandbox({ channels, rateLimit: false });
    const publicPoster = await startSlackSandbox({
      channels,
      rateLimit: false,
      scopes: ['chat:write', 'chat:write.public', 'files:write', 'channels:history'],
    });
    try {
      const web = new WebClient(manifest.botToken, {
        slackApiUrl: manifest.apiUrl,
        retryConfig: { retries: 0 },
        logger: quiet,
      });
      expect((await slackError(web.chat.postMessage({ channel: 'C0NOTINVIT', text: 'hi' }))).data.error).toBe(
        'not_in_channel',
      );
      expect((await slackError(web.conversations.history({ channel: 'C0NOTINVIT' }))).data.error).toBe(
        'not_in_channel',
      );

      const wide = new WebClient(publicPoster.botToken, {
        slackApiUrl: publicPoster.apiUrl,
        retryConfig: { retries: 0 },
        logger: quiet,
      });
      const posted = await wide.chat.postMessage({ channel: 'C0NOTINVIT', text: 'posted without an invitation' });
      expect(posted.ok).toBe(true);
      const upload = await slackError(
        wide.files.uploadV2({
          channel_id: 'C0NOTINVIT',
          thread_ts: posted.ts ?? '',
          file: Buffer.from('%PDF-1.4'),
          filename: 'packet.pdf',
        }),
      );
      expect(upload.data.error).toBe('not_in_channel');
    } finally {
      await Promise.all([manifest.close(), publicPoster.close()]);
    }
  });
});
