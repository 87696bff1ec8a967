// The real app wired to the Slack and Stripe stand-ins, and Slack's signed requests to it: clicks, commands and
// modal submissions, built with the stand-in's own payload builders.
import type { ViewStateValue } from '@slack/bolt';
import { type OpenAiSandbox, startOpenAiSandbox } from '../../sandbox/openai/index.js';
import {
  blockActionBody,
  type SlackSandbox,
  signSlackRequest,
  slashCommandBody,
  startSlackSandbox,
  viewSubmissionBody,
} from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import type { Pool } from '../../src/db/pool.js';
import { startTestApp, TEST_WEBHOOK_SECRET } from './app.js';
import { freshDatabase, type TestDatabase } from './db.js';

export const SIGNING_SECRET = 'rebut-test-signing-secret';
export const CHANNEL = 'C0DISPUTES';
export const ALICE = 'U0ALICE001'; // listed in SLACK_APPROVERS
export const BOB = 'U0BOB00001'; // not an approver
export const CAROL = 'U0CAROL001'; // approver through the user group
export const APPROVER_GROUP = 'S0APPROVE1';

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

export async function startSlackSandboxForTests(): Promise<SlackSandbox> {
  return startSlackSandbox({
    users: [
      { id: ALICE, name: 'alice' },
      { id: BOB, name: 'bob' },
      { id: CAROL, name: 'carol' },
    ],
    usergroups: { [APPROVER_GROUP]: [CAROL] },
    // Cases are posted far faster than Slack's 1/s per channel in these tests; rate limits are tested on purpose.
    rateLimit: false,
  });
}

export function slackSettings(slack: SlackSandbox, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CHANNEL_ID: CHANNEL,
    SLACK_APPROVERS: `${ALICE},${APPROVER_GROUP}`,
    SLACK_API_URL: slack.apiUrl,
    ...overrides,
  };
}

export async function startSlackApp(
  db: { url: string },
  stripe: StripeSandbox,
  slack: SlackSandbox,
  overrides: Record<string, string> = {},
): Promise<TestApp> {
  return startTestApp({ DATABASE_URL: db.url, STRIPE_API_URL: stripe.url, ...slackSettings(slack, overrides) });
}

/** A test file's whole set-up: a fresh database, the Stripe and Slack stand-ins, and the app wired to them. */
export interface SlackWorld {
  db: TestDatabase;
  stripe: StripeSandbox;
  slack: SlackSandbox;
  app: TestApp;
  /** The OpenAI stand-in the app drafts with, when started with `openai`. */
  openai?: OpenAiSandbox;
  /** Stops all of it, the app first. */
  stop(): Promise<void>;
}

/**
 * Starts a `SlackWorld`; `webhook`: the Stripe stand-in delivers its events to the app's `/stripe/webhook`, signed
 * with the test secret, as Stripe would once the endpoint is set up; `openai`: the app drafts with the OpenAI
 * stand-in (through the official SDK) instead of the template.
 */
export async function startSlackWorld(
  overrides: Record<string, string> = {},
  options: { webhook?: boolean; openai?: boolean } = {},
): Promise<SlackWorld> {
  const db = await freshDatabase();
  const stripe = await startStripeSandbox();
  const slack = await startSlackSandboxForTests();
  const openai = options.openai ? await startOpenAiSandbox() : undefined;
  const app = await startSlackApp(db, stripe, slack, {
    ...(openai ? { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url } : {}),
    ...overrides,
  });
  if (options.webhook) stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
  return {
    db,
    stripe,
    slack,
    app,
    ...(openai ? { openai } : {}),
    async stop() {
      await app.stop();
      await openai?.close();
      await slack.close();
      await stripe.close();
      await db.drop();
    },
  };
}

export function postSigned(app: { url: string }, body: string, timestamp?: number): Promise<Response> {
  return fetch(`${app.url}/slack/events`, {
    method: 'POST',
    headers: signSlackRequest(body, SIGNING_SECRET, timestamp),
    body,
  });
}

/** Where a case's message is, once posted. */
export async function postedMessage(pool: Pool, caseId: number): Promise<{ channel: string; ts: string } | undefined> {
  const { rows } = await pool.query<{ slack_channel: string | null; slack_ts: string | null }>(
    'SELECT slack_channel, slack_ts FROM cases WHERE id = $1',
    [caseId],
  );
  const row = rows[0];
  return row?.slack_channel && row.slack_ts ? { channel: row.slack_channel, ts: row.slack_ts } : undefined;
}

/** A click on one of a case message's buttons, as Slack sends it. */
export async function click(
  app: { url: string },
  slack: SlackSandbox,
  options: {
    actionId: string;
    caseId: number;
    userId: string;
    messageTs: string;
    triggerId?: string;
    /** Default: a fresh response URL tied to the message. */
    responseUrl?: string;
    /** The channel the message is in; default C0DISPUTES. */
    channelId?: string;
  },
): Promise<Response> {
  const channel = options.channelId ?? CHANNEL;
  // The button as the message in Slack shows it now (its value carries the draft version shown), as a real click
  // sends it; a button the message no longer has is clicked as an old message would send it.
  const button = buttonOn(slack, options.caseId, options.messageTs, options.actionId, channel);
  const body = blockActionBody({
    actionId: options.actionId,
    value: button?.value ?? String(options.caseId),
    blockId: button?.blockId ?? `case_${options.caseId}_v1_actions`,
    userId: options.userId,
    channelId: channel,
    messageTs: options.messageTs,
    responseUrl:
      options.responseUrl ??
      slack.responseUrl(undefined, {
        channel,
        messageTs: options.messageTs,
        userId: options.userId,
      }),
    triggerId: options.triggerId ?? slack.issueTriggerId(),
  });
  return postSigned(app, body);
}

export async function command(
  app: { url: string },
  slack: SlackSandbox,
  text: string,
  userId: string = ALICE,
  channel: string = CHANNEL,
): Promise<Response> {
  const body = slashCommandBody({
    text,
    userId,
    channelId: channel,
    responseUrl: slack.responseUrl(undefined, { channel, userId }),
  });
  return postSigned(app, body);
}

export async function submitView(
  app: { url: string },
  options: {
    privateMetadata: string;
    values: Record<string, Record<string, ViewStateValue>>;
    userId?: string;
    callbackId?: string;
  },
): Promise<Response> {
  const body = viewSubmissionBody({
    callbackId: options.callbackId ?? 'edit_rebuttal',
    privateMetadata: options.privateMetadata,
    values: options.values,
    userId: options.userId ?? ALICE,
  });
  return postSigned(app, body);
}

/** The ephemeral answers one user got, newest last (through response URLs or chat.postEphemeral). */
export function ephemeralsFor(slack: SlackSandbox, userId: string): string[] {
  return slack.ephemerals.filter((message) => message.user === userId).map((message) => message.text);
}

/** The top-level messages in the channel that belong to a case (by their metadata). */
/** The button with this action id on the case's message, as Slack shows it now. */
export function buttonOn(
  slack: SlackSandbox,
  caseId: number,
  messageTs: string,
  actionId: string,
  channel = CHANNEL,
): { value: string; blockId: string } | undefined {
  const message = caseMessagesIn(slack, caseId, channel).find((candidate) => candidate.ts === messageTs);
  for (const block of (message?.blocks ?? []) as { type: string; block_id?: string; elements?: unknown[] }[]) {
    if (block.type !== 'actions') continue;
    for (const element of (block.elements ?? []) as { action_id?: string; value?: string }[]) {
      if (element.action_id === actionId && element.value !== undefined) {
        return { value: element.value, blockId: block.block_id ?? '' };
      }
    }
  }
  return undefined;
}

export function caseMessagesIn(slack: SlackSandbox, caseId: number, channel = CHANNEL) {
  return slack.messages(channel).filter((message) => {
    const metadata = message.metadata as { event_type?: string; event_payload?: { case_id?: number } } | undefined;
    return metadata?.event_type === 'rebut_case' && metadata.event_payload?.case_id === caseId;
  });
}

/** The top-level messages in the channel that show an early fraud warning, alone or in a burst (by their metadata). */
export function warningMessagesIn(slack: SlackSandbox, warningId: string, channel = CHANNEL) {
  return slack.messages(channel).filter((message) => {
    const metadata = message.metadata as
      | { event_type?: string; event_payload?: { warning_id?: string; warnings?: string } }
      | undefined;
    return (
      metadata?.event_type === 'rebut_early_fraud_warning' &&
      (metadata.event_payload?.warnings ?? metadata.event_payload?.warning_id ?? '').split(',').includes(warningId)
    );
  });
}

/** Everything a warning's message shows now, as one text (its blocks' texts). */
export function warningMessageText(slack: SlackSandbox, warningId: string, channel = CHANNEL): string {
  const message = warningMessagesIn(slack, warningId, channel)[0];
  return message ? JSON.stringify(message.blocks ?? []) : '';
}

/** A click on Refund or Leave of a warning's message, as Slack sends it. */
export async function clickWarning(
  app: { url: string },
  slack: SlackSandbox,
  options: {
    actionId: 'warning_refund' | 'warning_leave' | 'warning_batch_refund' | 'warning_batch_leave';
    warningId: string;
    userId: string;
    channelId?: string;
  },
): Promise<Response> {
  const channel = options.channelId ?? CHANNEL;
  const message = warningMessagesIn(slack, options.warningId, channel)[0];
  const body = blockActionBody({
    actionId: options.actionId,
    value: options.warningId,
    blockId: `warning_${options.warningId}_actions`,
    userId: options.userId,
    channelId: channel,
    messageTs: message?.ts ?? '1.000000',
    responseUrl: slack.responseUrl(undefined, { channel, messageTs: message?.ts ?? '', userId: options.userId }),
    triggerId: slack.issueTriggerId(),
  });
  return postSigned(app, body);
}
