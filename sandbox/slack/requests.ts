// Requests as Slack sends them to the app: HMAC-signed form posts carrying a slash command, a block action or a
// view submission. Field shapes follow Bolt's `SlashCommand`, `BlockAction` and `ViewSubmitAction` types.
import { createHmac, randomBytes } from 'node:crypto';
import type {
  BlockAction,
  ButtonAction,
  SlashCommand,
  ViewOutput,
  ViewStateValue,
  ViewSubmitAction,
} from '@slack/bolt';

export const SANDBOX_TEAM = { id: 'T0SANDBOX1', domain: 'rebut-sandbox' } as const;
export const SANDBOX_APP_ID = 'A0REBUTAPP';
export const SANDBOX_BOT_ID = 'B0REBUTBOT';
export const SANDBOX_BOT_USER_ID = 'U0REBUTBOT';
// The deprecated verification token Slack still puts in every payload; Bolt ignores it.
const VERIFICATION_TOKEN = 'sandboxverificationtoken';

/**
 * Headers that make `body` a request from Slack: `v0=HMAC-SHA256(secret, "v0:<ts>:<body>")`.
 * The content type must be exactly this string: Bolt compares it with `===` and treats anything else as JSON.
 */
export function signSlackRequest(
  body: string,
  signingSecret: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${signature}`,
  };
}

/** A trigger id in Slack's shape (`<digits>.<digits>.<hex>`); only ids issued by the sandbox open views there. */
export function newTriggerId(): string {
  const now = Date.now();
  return `${now}.${Math.floor(now / 1000) % 10_000_000}.${randomBytes(16).toString('hex')}`;
}

/** Slack's `action_ts` / message `ts` format for a moment: seconds with six decimal places. */
export function slackTimestamp(ms: number = Date.now()): string {
  return (ms / 1000).toFixed(6);
}

export interface SlashCommandOptions {
  command?: string;
  text?: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  responseUrl: string;
  triggerId?: string;
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
}

/** The url-encoded body of a slash command invocation. */
export function slashCommandBody(options: SlashCommandOptions): string {
  const command: SlashCommand = {
    token: VERIFICATION_TOKEN,
    team_id: options.teamId ?? SANDBOX_TEAM.id,
    team_domain: options.teamDomain ?? SANDBOX_TEAM.domain,
    channel_id: options.channelId ?? 'C0DISPUTES',
    channel_name: options.channelName ?? 'disputes',
    user_id: options.userId ?? 'U0ALICE001',
    user_name: options.userName ?? 'alice',
    command: options.command ?? '/disputes',
    text: options.text ?? '',
    api_app_id: options.apiAppId ?? SANDBOX_APP_ID,
    is_enterprise_install: 'false',
    response_url: options.responseUrl,
    trigger_id: options.triggerId ?? newTriggerId(),
  };
  const fields: [string, string][] = Object.entries(command).map(([key, value]) => [key, String(value)]);
  return new URLSearchParams(fields).toString();
}

export interface BlockActionOptions {
  actionId: string;
  value?: string;
  blockId: string;
  /** The clicked button's label. */
  buttonText?: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  /** The message that holds the button. */
  messageTs: string;
  messageText?: string;
  messageBlocks?: unknown[];
  responseUrl: string;
  triggerId?: string;
  teamId?: string;
  apiAppId?: string;
}

/** The url-encoded body (`payload=<json>`) of a button click on a message. */
export function blockActionBody(options: BlockActionOptions): string {
  const channel = { id: options.channelId ?? 'C0DISPUTES', name: options.channelName ?? 'disputes' };
  const teamId = options.teamId ?? SANDBOX_TEAM.id;
  const action: ButtonAction = {
    type: 'button',
    block_id: options.blockId,
    action_id: options.actionId,
    text: { type: 'plain_text', text: options.buttonText ?? options.actionId, emoji: true },
    action_ts: slackTimestamp(),
    ...(options.value === undefined ? {} : { value: options.value }),
  };
  const payload: BlockAction<ButtonAction> = {
    type: 'block_actions',
    user: {
      id: options.userId ?? 'U0ALICE001',
      username: options.userName ?? 'alice',
      name: options.userName ?? 'alice',
      team_id: teamId,
    },
    api_app_id: options.apiAppId ?? SANDBOX_APP_ID,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: options.messageTs, channel_id: channel.id, is_ephemeral: false },
    trigger_id: options.triggerId ?? newTriggerId(),
    team: { id: teamId, domain: SANDBOX_TEAM.domain },
    is_enterprise_install: false,
    channel,
    message: {
      type: 'message',
      user: SANDBOX_BOT_USER_ID,
      bot_id: SANDBOX_BOT_ID,
      app_id: options.apiAppId ?? SANDBOX_APP_ID,
      ts: options.messageTs,
      text: options.messageText ?? '',
      blocks: options.messageBlocks ?? [],
      team: teamId,
    },
    state: { values: {} },
    response_url: options.responseUrl,
    actions: [action],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface ViewSubmissionOptions {
  callbackId: string;
  privateMetadata?: string;
  /** `view.state.values`: `{ [block_id]: { [action_id]: { type, value } } }`. */
  values: Record<string, Record<string, ViewStateValue>>;
  userId?: string;
  userName?: string;
  viewId?: string;
  hash?: string;
  title?: string;
  blocks?: ViewOutput['blocks'];
  triggerId?: string;
  teamId?: string;
  apiAppId?: string;
}

/** The url-encoded body (`payload=<json>`) of a modal's submit button. */
export function viewSubmissionBody(options: ViewSubmissionOptions): string {
  const teamId = options.teamId ?? SANDBOX_TEAM.id;
  const apiAppId = options.apiAppId ?? SANDBOX_APP_ID;
  const viewId = options.viewId ?? 'V0SANDBOX01';
  const view: ViewOutput = {
    id: viewId,
    team_id: teamId,
    type: 'modal',
    blocks: options.blocks ?? [],
    private_metadata: options.privateMetadata ?? '',
    callback_id: options.callbackId,
    state: { values: options.values },
    hash: options.hash ?? `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    title: { type: 'plain_text', text: options.title ?? 'Edit', emoji: true },
    clear_on_close: false,
    notify_on_close: false,
    close: { type: 'plain_text', text: 'Cancel', emoji: true },
    submit: { type: 'plain_text', text: 'Submit', emoji: true },
    previous_view_id: null,
    root_view_id: viewId,
    app_id: apiAppId,
    external_id: '',
    app_installed_team_id: teamId,
    bot_id: SANDBOX_BOT_ID,
  };
  const payload: ViewSubmitAction = {
    type: 'view_submission',
    team: { id: teamId, domain: SANDBOX_TEAM.domain },
    user: { id: options.userId ?? 'U0ALICE001', name: options.userName ?? 'alice', team_id: teamId },
    api_app_id: apiAppId,
    token: VERIFICATION_TOKEN,
    trigger_id: options.triggerId ?? newTriggerId(),
    view,
    response_urls: [],
    is_enterprise_install: false,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/**
 * The JSON body of an Events API `event_callback`, as Slack posts it to the request URL: here the event a user
 * group's membership change sends (`subteam_members_changed`).
 */
export function subteamMembersChangedBody(options: {
  subteamId: string;
  added?: string[];
  removed?: string[];
}): string {
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: SANDBOX_TEAM.id,
    api_app_id: SANDBOX_APP_ID,
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'subteam_members_changed',
      subteam_id: options.subteamId,
      team_id: SANDBOX_TEAM.id,
      date_previous_update: Math.floor(Date.now() / 1000) - 60,
      date_update: Math.floor(Date.now() / 1000),
      added_users: options.added ?? [],
      added_users_count: String((options.added ?? []).length),
      removed_users: options.removed ?? [],
      removed_users_count: String((options.removed ?? []).length),
      event_ts: String(Date.now() / 1000),
    },
  });
}
