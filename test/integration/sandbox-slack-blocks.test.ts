import { type Logger, LogLevel, WebAPIPlatformError, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

beforeAll(async () => {
  sandbox = await startSlackSandbox({ rateLimit: false });
  client = new WebClient(sandbox.botToken, { slackApiUrl: sandbox.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
});
afterAll(async () => {
  await sandbox.close();
});

const chars = (n: number) => 'x'.repeat(n);
const plain = (text: string) => ({ type: 'plain_text', text });
const section = (text: string, blockId?: string) => ({
  type: 'section',
  ...(blockId === undefined ? {} : { block_id: blockId }),
  text: { type: 'mrkdwn', text },
});
const button = (overrides: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: 'approve',
  text: plain('Approve'),
  value: 'dp_1',
  ...overrides,
});
const actions = (elements: unknown[]) => ({ type: 'actions', block_id: 'case_actions', elements });
const confirm = (overrides: Record<string, unknown> = {}) => ({
  title: plain('Submit?'),
  text: plain('This sends the evidence to Stripe.'),
  confirm: plain('Submit'),
  deny: plain('Cancel'),
  ...overrides,
});
const textInput = (overrides: Record<string, unknown> = {}) => ({
  type: 'input',
  block_id: 'rebuttal_block',
  label: plain('Rebuttal'),
  element: { type: 'plain_text_input', action_id: 'rebuttal_input', multiline: true, ...overrides },
});

async function rejection(call: Promise<unknown>): Promise<WebAPIPlatformError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WebAPIPlatformError)) throw new Error(`expected a Slack platform error, got ${String(error)}`);
  return error;
}

// Each row: a rule, blocks exactly at the limit (accepted), blocks one past it (rejected), the pointer Slack names.
const messageRules: [string, unknown[], unknown[], string][] = [
  [
    'at most 50 blocks in a message',
    Array(50).fill({ type: 'divider' }),
    Array(51).fill({ type: 'divider' }),
    '/blocks',
  ],
  ['section text is at most 3000 characters', [section(chars(3000))], [section(chars(3001))], '/blocks/0/text/text'],
  [
    'a section has at most 10 fields',
    [{ type: 'section', fields: Array(10).fill({ type: 'mrkdwn', text: 'f' }) }],
    [{ type: 'section', fields: Array(11).fill({ type: 'mrkdwn', text: 'f' }) }],
    '/blocks/0/fields',
  ],
  [
    'a section field is at most 2000 characters',
    [{ type: 'section', fields: [{ type: 'mrkdwn', text: chars(2000) }] }],
    [{ type: 'section', fields: [{ type: 'mrkdwn', text: chars(2001) }] }],
    '/blocks/0/fields/0/text',
  ],
  [
    'header text is at most 150 characters',
    [{ type: 'header', text: plain(chars(150)) }],
    [{ type: 'header', text: plain(chars(151)) }],
    '/blocks/0/text/text',
  ],
  ['block_id is at most 255 characters', [section('a', chars(255))], [section('a', chars(256))], '/blocks/0/block_id'],
  [
    'block_ids are unique within a message',
    [section('a', 'case_1'), section('b', 'case_2')],
    [section('a', 'case_1'), section('b', 'case_1')],
    '/blocks/1/block_id',
  ],
  [
    'action_id is at most 255 characters',
    [actions([button({ action_id: chars(255) })])],
    [actions([button({ action_id: chars(256) })])],
    '/blocks/0/elements/0/action_id',
  ],
  [
    'action_ids are unique within a block',
    [actions([button({ action_id: 'a' }), button({ action_id: 'b' })])],
    [actions([button({ action_id: 'a' }), button({ action_id: 'a' })])],
    '/blocks/0/elements/1/action_id',
  ],
  [
    'button text is at most 75 characters',
    [actions([button({ text: plain(chars(75)) })])],
    [actions([button({ text: plain(chars(76)) })])],
    '/blocks/0/elements/0/text/text',
  ],
  [
    'button value is at most 2000 characters',
    [actions([button({ value: chars(2000) })])],
    [actions([button({ value: chars(2001) })])],
    '/blocks/0/elements/0/value',
  ],
  [
    'a context block has at most 10 elements',
    [{ type: 'context', elements: Array(10).fill({ type: 'mrkdwn', text: 'c' }) }],
    [{ type: 'context', elements: Array(11).fill({ type: 'mrkdwn', text: 'c' }) }],
    '/blocks/0/elements',
  ],
  [
    'an actions block has at most 25 elements',
    [actions(Array.from({ length: 25 }, (_, i) => button({ action_id: `a${i}` })))],
    [actions(Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })))],
    '/blocks/0/elements',
  ],
  [
    'a confirm title is at most 100 characters',
    [actions([button({ confirm: confirm({ title: plain(chars(100)) }) })])],
    [actions([button({ confirm: confirm({ title: plain(chars(101)) }) })])],
    '/blocks/0/elements/0/confirm/title/text',
  ],
  [
    'a confirm text is at most 300 characters',
    [actions([button({ confirm: confirm({ text: plain(chars(300)) }) })])],
    [actions([button({ confirm: confirm({ text: plain(chars(301)) }) })])],
    '/blocks/0/elements/0/confirm/text/text',
  ],
  [
    'a confirm button label is at most 30 characters',
    [actions([button({ confirm: confirm({ confirm: plain(chars(30)) }) })])],
    [actions([button({ confirm: confirm({ confirm: plain(chars(31)) }) })])],
    '/blocks/0/elements/0/confirm/confirm/text',
  ],
  [
    'a confirm deny label is at most 30 characters',
    [actions([button({ confirm: confirm({ deny: plain(chars(30)) }) })])],
    [actions([button({ confirm: confirm({ deny: plain(chars(31)) }) })])],
    '/blocks/0/elements/0/confirm/deny/text',
  ],
  [
    'a header must be plain_text, not mrkdwn',
    [{ type: 'header', text: plain('Dispute') }],
    [{ type: 'header', text: { type: 'mrkdwn', text: '*Dispute*' } }],
    '/blocks/0/text/type',
  ],
  [
    'an element type that @slack/types does not allow in actions is refused',
    [actions([button()])],
    [actions([{ type: 'plain_text_input', action_id: 'x' }])],
    '/blocks/0/elements/0',
  ],
  ['an unknown block type is refused', [{ type: 'divider' }], [{ type: 'sparkle' }], '/blocks/0'],
];

describe('Slack sandbox: Block Kit limits on messages', () => {
  it.each(messageRules)('%s', async (_rule, atLimit, overLimit, pointer) => {
    await expect(
      client.chat.postMessage({ channel: 'C0DISPUTES', text: 'ok', blocks: atLimit as never }),
    ).resolves.toMatchObject({ ok: true });
    const error = await rejection(
      client.chat.postMessage({ channel: 'C0DISPUTES', text: 'too much', blocks: overLimit as never }),
    );
    expect(error.data.error).toBe('invalid_blocks');
    const errors = (error.data as unknown as { errors: string[] }).errors;
    expect(errors.some((e) => e.endsWith(`[json-pointer:${pointer}]`))).toBe(true);
    expect(error.data.response_metadata?.messages?.[0]).toMatch(/^\[ERROR\] /);
  });

  it('chat.update applies the same checks and leaves the message as it was', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0DISPUTES', text: 'v1', blocks: [section('v1')] });
    const error = await rejection(
      client.chat.update({ channel: 'C0DISPUTES', ts: posted.ts ?? '', text: 'v2', blocks: [section(chars(3001))] }),
    );
    expect(error.data.error).toBe('invalid_blocks');
    expect(sandbox.messages('C0DISPUTES').find((m) => m.ts === posted.ts)?.text).toBe('v1');
  });

  it('message text is at most 40,000 characters', async () => {
    await expect(client.chat.postMessage({ channel: 'C0DISPUTES', text: chars(40_000) })).resolves.toMatchObject({
      ok: true,
    });
    const error = await rejection(client.chat.postMessage({ channel: 'C0DISPUTES', text: chars(40_001) }));
    expect(error.data.error).toBe('msg_too_long');
  });

  it('blocks whose text adds up to more than 11,000 characters are msg_blocks_too_long and nothing is posted', async () => {
    const sections = (count: number) => Array.from({ length: count }, () => section(chars(2900)));
    const before = sandbox.messages('C0DISPUTES').length;
    // Each section is within its own 3,000 characters; 4 × 2,900 = 11,600 is over the total.
    const error = await rejection(
      client.chat.postMessage({ channel: 'C0DISPUTES', text: 'four sections', blocks: sections(4) as never }),
    );
    expect(error.data.error).toBe('msg_blocks_too_long');
    expect(sandbox.messages('C0DISPUTES')).toHaveLength(before);
    await expect(
      client.chat.postMessage({ channel: 'C0DISPUTES', text: 'three sections', blocks: sections(3) as never }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('the total counts every text in the blocks: fields, context, buttons and their confirm dialogs', async () => {
    const fields = { type: 'section', fields: Array(5).fill({ type: 'mrkdwn', text: chars(2000) }) };
    const context = { type: 'context', elements: [{ type: 'mrkdwn', text: chars(900) }] };
    // 10,000 + 900 + "Approve" = 10,907: under the total.
    await expect(
      client.chat.postMessage({ channel: 'C0DISPUTES', text: 'many', blocks: [fields, context, actions([button()])] }),
    ).resolves.toMatchObject({ ok: true });
    // The confirm dialog adds "Submit?", 100, "Submit", "Cancel": 11,026, over it.
    const withConfirm = actions([button({ confirm: confirm({ text: plain(chars(100)) }) })]);
    const error = await rejection(
      client.chat.postMessage({ channel: 'C0DISPUTES', text: 'many', blocks: [fields, context, withConfirm] as never }),
    );
    expect(error.data.error).toBe('msg_blocks_too_long');
  });

  it('chat.update with too much text in its blocks is refused and the message stays as it was', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0DISPUTES', text: 'v1', blocks: [section('v1')] });
    const blocks = Array.from({ length: 5 }, () => section(chars(2900)));
    const error = await rejection(
      client.chat.update({ channel: 'C0DISPUTES', ts: posted.ts ?? '', text: 'v2', blocks: blocks as never }),
    );
    expect(error.data.error).toBe('msg_blocks_too_long');
    const message = sandbox.messages('C0DISPUTES').find((m) => m.ts === posted.ts);
    expect(message?.text).toBe('v1');
    expect(message?.blocks).toMatchObject([section('v1')]);
    expect(message?.edited).toBeUndefined();
  });

  it('a response URL takes blocks over the total, as Slack does (bolt-js #2867)', async () => {
    const response = await fetch(sandbox.responseUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'long', blocks: Array.from({ length: 5 }, () => section(chars(2900))) }),
    });
    expect(response.status).toBe(200);
  });

  it('blocks that are not JSON are invalid_blocks_format', async () => {
    const error = await rejection(client.apiCall('chat.postMessage', { channel: 'C0DISPUTES', blocks: '[{oops' }));
    expect(error.data.error).toBe('invalid_blocks_format');
  });
});

const modal = (overrides: Record<string, unknown> = {}) => ({
  type: 'modal',
  callback_id: 'rebuttal_edit',
  title: plain('Edit rebuttal'),
  submit: plain('Save'),
  close: plain('Cancel'),
  private_metadata: '{}',
  blocks: [textInput()],
  ...overrides,
});

// Each row: a rule, a view exactly at the limit (accepted), one past it (rejected), the pointer Slack names.
const viewRules: [string, Record<string, unknown>, Record<string, unknown>, string][] = [
  [
    'at most 100 blocks in a modal',
    modal({ blocks: Array(100).fill({ type: 'divider' }) }),
    modal({ blocks: Array(101).fill({ type: 'divider' }) }),
    '/view/blocks',
  ],
  [
    'a modal title is at most 24 characters',
    modal({ title: plain(chars(24)) }),
    modal({ title: plain(chars(25)) }),
    '/view/title/text',
  ],
  [
    'submit is at most 24 characters',
    modal({ submit: plain(chars(24)) }),
    modal({ submit: plain(chars(25)) }),
    '/view/submit/text',
  ],
  [
    'close is at most 24 characters',
    modal({ close: plain(chars(24)) }),
    modal({ close: plain(chars(25)) }),
    '/view/close/text',
  ],
  [
    'private_metadata is at most 3000 characters',
    modal({ private_metadata: chars(3000) }),
    modal({ private_metadata: chars(3001) }),
    '/view/private_metadata',
  ],
  [
    'callback_id is at most 255 characters',
    modal({ callback_id: chars(255) }),
    modal({ callback_id: chars(256) }),
    '/view/callback_id',
  ],
  [
    'a plain_text_input initial_value is at most 3000 characters',
    modal({ blocks: [textInput({ initial_value: chars(3000) })] }),
    modal({ blocks: [textInput({ initial_value: chars(3001) })] }),
    '/view/blocks/0/element/initial_value',
  ],
  [
    'a plain_text_input max_length is at most 3000',
    modal({ blocks: [textInput({ max_length: 3000 })] }),
    modal({ blocks: [textInput({ max_length: 3001 })] }),
    '/view/blocks/0/element/max_length',
  ],
  [
    'block_ids are unique within a view',
    modal({ blocks: [textInput(), { ...textInput(), block_id: 'other' }] }),
    modal({ blocks: [textInput(), textInput()] }),
    '/view/blocks/1/block_id',
  ],
  ['a modal with an input block needs submit', modal(), modal({ submit: undefined }), '/view'],
];

describe('Slack sandbox: Block Kit limits on modals', () => {
  it.each(viewRules)('%s', async (_rule, atLimit, overLimit, pointer) => {
    await expect(
      client.views.open({ trigger_id: sandbox.issueTriggerId(), view: atLimit as never }),
    ).resolves.toMatchObject({ ok: true });
    const error = await rejection(
      client.views.open({ trigger_id: sandbox.issueTriggerId(), view: overLimit as never }),
    );
    expect(error.data.error).toBe('invalid_arguments');
    const messages = error.data.response_metadata?.messages ?? [];
    expect(messages.some((m) => m.startsWith('[ERROR] ') && m.endsWith(`[json-pointer:${pointer}]`))).toBe(true);
  });

  it('a refused view does not use up its trigger id', async () => {
    const trigger = sandbox.issueTriggerId();
    await rejection(client.views.open({ trigger_id: trigger, view: modal({ title: plain(chars(25)) }) as never }));
    await expect(client.views.open({ trigger_id: trigger, view: modal() as never })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('views.update applies the same checks', async () => {
    const opened = await client.views.open({ trigger_id: sandbox.issueTriggerId(), view: modal() as never });
    const error = await rejection(
      client.views.update({ view_id: opened.view?.id ?? '', view: modal({ title: plain(chars(25)) }) as never }),
    );
    expect(error.data.error).toBe('invalid_arguments');
  });
});
