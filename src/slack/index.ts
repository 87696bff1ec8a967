// The Slack side of rebut: a Bolt app whose HTTP receiver is served by rebut's own server (HTTP mode) or that
// connects over Socket Mode, the listeners for buttons, the modal and /disputes, and the jobs that post and
// update case messages. Slack calls the domain (src/cases); the domain never imports Slack.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, type Logger as BoltLogger, HTTPReceiver, LogLevel, webApi } from '@slack/bolt';
import type Stripe from 'stripe';
import type { DraftContextBusiness } from '../cases/context.js';
import type { StageObserver } from '../cases/timing.js';
import type { Settings } from '../config.js';
import type { Pool } from '../db/pool.js';
import { messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import type { ProductClients } from '../products/clients.js';
import type { Product } from '../products/config.js';
import { productApprovers } from './authorize.js';
import { slackErrorCode } from './errors.js';
import { registerListeners } from './listeners/index.js';
import { type CaseMessages, caseMessages } from './messages/index.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Slack's advice: refuse a request whose timestamp is more than five minutes from now, either way. Bolt refuses
 * only old ones, so a captured request replayed with a forged future timestamp would otherwise stay valid.
 */
export const MAX_CLOCK_SKEW_S = 300;

/**
 * Bolt reads a request's whole body before it checks the signature. Slack's largest requests (a modal
 * with a 20,000-character rebuttal) are well under this.
 */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;

/** Slack's answers to a token it will not take (wrong, revoked, of a deactivated account): a setting to fix. */
const REFUSED_TOKEN_CODES = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked']);

function isRefusedToken(code: string | undefined): boolean {
  return code !== undefined && REFUSED_TOKEN_CODES.has(code);
}

/**
 * Web API retries: a few quick ones for a blip (and one 429 honoured with its Retry-After), then the error goes
 * to the caller. Queue jobs retry with backoff after that, and a listener must answer within Slack's 3 s anyway;
 * the SDK's default (10 retries over ~30 min) would hold a job, or a click, for half an hour.
 */
export const SLACK_RETRY_CONFIG = { retries: 3, factor: 2, minTimeout: 300, maxTimeout: 3_000, randomize: true };

export interface Slack {
  /** Serves `POST /slack/events` in HTTP mode; undefined in Socket Mode. */
  httpHandler?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** The jobs that post and update case messages. */
  messages: CaseMessages;
  /** Connects in Socket Mode; says at start when nobody may decide cases. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SlackDeps {
  settings: Settings;
  pool: Pool;
  stripe: Stripe;
  /** With a products file: the products (each with its channel and approvers) and their Stripe clients. */
  products?: { list: readonly Product[]; clients: ProductClients };
  log: Logger;
  /** The business as the grounding check of an edited rebuttal knows it (the evidence config's `business`). */
  business?: DraftContextBusiness;
  clock?: () => Date;
  /** The post's duration, for the `rebut_case_stage_seconds` histogram (cases/timing.ts). */
  observeStage?: StageObserver;
}

export class SlackSetupError extends Error {
  override name = 'SlackSetupError';
}

export async function createSlack(deps: SlackDeps): Promise<Slack> {
  const { settings, pool, stripe } = deps;
  const log = deps.log.child({ component: 'slack' });
  const clock = deps.clock ?? (() => new Date());
  const token = settings.SLACK_BOT_TOKEN;
  if (!token) throw new SlackSetupError('SLACK_BOT_TOKEN is not set');
  const appToken = settings.SLACK_APP_TOKEN;
  const signingSecret = settings.SLACK_SIGNING_SECRET;
  if (!appToken && !signingSecret) {
    throw new SlackSetupError(
      'SLACK_SIGNING_SECRET is required in HTTP mode (Slack app → Basic Information → Signing Secret), or set SLACK_APP_TOKEN for Socket Mode',
    );
  }

  const logger = boltLogger(log);
  const clientOptions: webApi.WebClientOptions = {
    retryConfig: SLACK_RETRY_CONFIG,
    timeout: 15_000,
    logger,
    ...(settings.SLACK_API_URL ? { slackApiUrl: settings.SLACK_API_URL } : {}),
  };
  // One auth.test here, handled: given botId and botUserId, Bolt's constructor does not call it (unhandled) itself.
  const identity = await new webApi.WebClient(token, clientOptions).auth.test().catch((error: unknown) => {
    const code = slackErrorCode(error);
    throw new SlackSetupError(
      isRefusedToken(code)
        ? `Slack refused SLACK_BOT_TOKEN (${code}): check the Bot User OAuth Token`
        : `Slack could not be reached to check SLACK_BOT_TOKEN: ${messageOf(error)}`,
    );
  });
  if (!identity.bot_id || !identity.user_id) {
    throw new SlackSetupError('SLACK_BOT_TOKEN is not a bot token (auth.test returned no bot id): use the xoxb- token');
  }

  const receiver =
    appToken || !signingSecret
      ? undefined
      : new HTTPReceiver({
          signingSecret,
          endpoints: SLACK_EVENTS_PATH,
          logger,
          processBeforeResponse: false,
          bodyLimit: MAX_SLACK_BODY_BYTES,
        });
  const app = new App({
    token,
    botId: identity.bot_id,
    botUserId: identity.user_id,
    logger,
    clientOptions,
    ...(receiver ? { receiver } : { socketMode: true, appToken }),
  });
  app.error(async (error) => {
    log.error({ err: error }, 'a Slack listener failed');
  });

  const products = deps.products?.list ?? [];
  // Each product's own timings and unwinnable action where the products file sets them; else the settings'.
  const byId = new Map(products.map((product) => [product.id, product]));
  const unwinnable = (product: string) => byId.get(product)?.unwinnableAction ?? settings.UNWINNABLE_ACTION;
  const review = (product: string) => ({
    reviewWindowMs: byId.get(product)?.reviewWindowMs ?? settings.REVIEW_WINDOW,
    submitBufferMs: byId.get(product)?.submitBufferMs ?? settings.SUBMIT_BUFFER,
    minReviewMs: settings.MIN_REVIEW_TIME,
  });
  // Each product's channel and approvers; without a products file, SLACK_CHANNEL_ID and SLACK_APPROVERS alone.
  const productChannels = deps.products
    ? new Map(products.flatMap((product) => (product.channel ? [[product.id, product.channel] as const] : [])))
    : undefined;
  const approvers = productApprovers({
    client: app.client,
    ids: settings.SLACK_APPROVERS,
    byProduct: new Map(products.map((product) => [product.id, product.approvers])),
    log,
  });
  registerListeners(app, {
    pool,
    stripe,
    ...(deps.products ? { products: deps.products.clients } : {}),
    ...(productChannels ? { productChannels } : {}),
    ...(deps.products ? { productNames: products.map(({ id, name }) => ({ id, name })) } : {}),
    log,
    approvers,
    channel: settings.SLACK_CHANNEL_ID,
    business: deps.business ?? { name: 'The business', productDescription: null },
    unwinnable,
    clock,
  });
  const messages = caseMessages({
    client: app.client,
    pool,
    log,
    channel: settings.SLACK_CHANNEL_ID,
    ...(productChannels ? { productChannels } : {}),
    approverIds: settings.SLACK_APPROVERS,
    productApproverIds: new Map(products.map((product) => [product.id, product.approvers])),
    botId: identity.bot_id,
    unwinnable,
    review,
    warningReviewWindowMs: settings.EFW_REVIEW_WINDOW,
    clock,
    ...(deps.observeStage ? { observeStage: deps.observeStage } : {}),
  });

  const httpHandler = receiver
    ? async (req: IncomingMessage, res: ServerResponse) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (path !== SLACK_EVENTS_PATH) {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
          return;
        }
        // Bolt's own limit (bodyLimit) stops a body without a length after 1 MiB; one that declares more is
        // refused here before a byte of it is read.
        if (Number(req.headers['content-length']) > MAX_SLACK_BODY_BYTES) {
          log.warn({ contentLength: req.headers['content-length'] }, 'refused a Slack request: body over 1 MiB');
          res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
          res.end(JSON.stringify({ error: `body over ${MAX_SLACK_BODY_BYTES} bytes` }));
          return;
        }
        const timestamp = Number(req.headers['x-slack-request-timestamp']);
        const skew = Math.abs(clock().getTime() / 1000 - timestamp);
        if (!Number.isInteger(timestamp) || skew > MAX_CLOCK_SKEW_S) {
          log.warn(
            { timestamp: req.headers['x-slack-request-timestamp'] },
            'refused a Slack request with a stale or future timestamp',
          );
          req.resume();
          res.writeHead(401).end();
          return;
        }
        receiver.requestListener(req, res);
      }
    : undefined;

  let started = false;
  return {
    ...(httpHandler ? { httpHandler } : {}),
    messages,
    async start() {
      if (settings.SLACK_APPROVERS.length === 0) {
        log.warn('SLACK_APPROVERS is empty: nobody may decide cases: every click will be refused');
      }
      if (appToken && !receiver) {
        // Bolt rejects with the raw Web API error, and for some refusals (token_revoked) its Socket Mode client
        // retries forever: ask once here, then say which setting Slack refused, as for the bot token.
        const refused = (error: unknown) => {
          const code = slackErrorCode(error);
          return new SlackSetupError(
            isRefusedToken(code)
              ? `Slack refused SLACK_APP_TOKEN (${code}): check the app-level token (scope connections:write)`
              : `Slack could not be reached to open the Socket Mode connection: ${messageOf(error)}`,
          );
        };
        await new webApi.WebClient(appToken, clientOptions).apps.connections.open().catch((error: unknown) => {
          throw refused(error);
        });
        await app.start().catch((error: unknown) => {
          throw refused(error);
        });
        started = true;
        log.info('connected to Slack over Socket Mode');
      }
    },
    async stop() {
      if (started) {
        started = false;
        await app.stop();
      }
    },
  };
}

/** Bolt and the Web API client log through rebut's pino logger (masked like every other line). */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (messages: unknown[]) =>
    messages
      .map((message) => {
        if (message instanceof Error) return message.message;
        if (typeof message === 'string') return message;
        try {
          return JSON.stringify(message);
        } catch {
          return String(message);
        }
      })
      .join(' ');
  return {
    debug: (...messages) => log.debug(text(messages)),
    info: (...messages) => log.info(text(messages)),
    warn: (...messages) => log.warn(text(messages)),
    error: (...messages) => log.error(text(messages)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
