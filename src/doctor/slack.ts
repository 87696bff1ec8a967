// Slack, checked live: the token, its scopes, the bot in the channel, the approvers, Socket Mode's app token.
import { webApi } from '@slack/bolt';
import { messageOf } from '../errors.js';
import { slackErrorCode } from '../slack/errors.js';
import { type Check, fail, ok, skip, warn } from './checks.js';

export interface SlackSettings {
  SLACK_BOT_TOKEN?: string | undefined;
  SLACK_SIGNING_SECRET?: string | undefined;
  SLACK_APP_TOKEN?: string | undefined;
  SLACK_CHANNEL_ID?: string | undefined;
  SLACK_APPROVERS: string[];
  SLACK_API_URL?: string | undefined;
  REBUT_HEADLESS: boolean;
  REBUT_DIGEST_CHANNEL?: string | undefined;
}

const SCOPES_PAGE = 'Slack app → OAuth & Permissions → Bot Token Scopes (then reinstall the app)';

/** The scopes rebut's calls need (README → Slack set-up says why each). Any one of a group will do. */
function neededScopes(settings: SlackSettings): string[][] {
  const needed = [['commands'], ['chat:write'], ['files:write'], ['channels:history', 'groups:history']];
  if (settings.SLACK_APPROVERS.some((id) => id.startsWith('S'))) needed.push(['usergroups:read']);
  return needed;
}

type WebClient = webApi.WebClient;

function client(token: string, settings: SlackSettings): WebClient {
  return new webApi.WebClient(token, {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    ...(settings.SLACK_API_URL ? { slackApiUrl: settings.SLACK_API_URL } : {}),
  });
}

/** Slack's error code, or the error's message when the call never reached Slack. */
const why = (error: unknown) => slackErrorCode(error) ?? messageOf(error);

/** With several products: each product's channel and approvers, checked instead of SLACK_CHANNEL_ID's. */
export interface SlackProducts {
  channels: { product: string; channel: string }[];
  approvers: string[];
}

export async function checkSlack(settings: SlackSettings, products?: SlackProducts): Promise<Check[]> {
  const token = settings.SLACK_BOT_TOKEN;
  if (!token) {
    return [
      settings.REBUT_HEADLESS
        ? skip('slack', 'bot token', 'REBUT_HEADLESS=true: no Slack; no person sees a case from this instance')
        : fail('slack', 'bot token', 'SLACK_BOT_TOKEN is not set', 'SLACK_BOT_TOKEN, or REBUT_HEADLESS=true'),
    ];
  }
  const slack = client(token, settings);
  let scopes: string[];
  let team: string;
  try {
    const identity = await slack.auth.test();
    if (!identity.bot_id) {
      return [
        fail('slack', 'bot token', 'the token is not a bot token', 'SLACK_BOT_TOKEN: the xoxb- Bot User OAuth Token'),
      ];
    }
    scopes = identity.response_metadata?.scopes ?? [];
    team = identity.team ?? identity.team_id ?? 'the workspace';
  } catch (error) {
    const code = slackErrorCode(error);
    return [
      code
        ? fail('slack', 'bot token', `Slack refused SLACK_BOT_TOKEN (${code})`, 'SLACK_BOT_TOKEN (OAuth & Permissions)')
        : fail(
            'slack',
            'bot token',
            `Slack could not be reached: ${messageOf(error)}`,
            settings.SLACK_API_URL ? 'SLACK_API_URL' : 'the network',
          ),
    ];
  }
  const checks: Check[] = [ok('slack', 'bot token', `accepted by ${team}`)];

  const missing = neededScopes(settings).filter((group) => !group.some((scope) => scopes.includes(scope)));
  if (missing.length > 0) {
    const names = missing.map((group) => group.join(' or ')).join(', ');
    checks.push(fail('slack', 'scopes', `missing ${names}`, `${SCOPES_PAGE}: add ${names}`));
  } else if (scopes.includes('chat:write.public')) {
    checks.push(
      warn(
        'slack',
        'scopes',
        'chat:write.public lets rebut post to a channel it was not invited to, where its files and history lookups ' +
          'then fail',
        `${SCOPES_PAGE}: remove chat:write.public (manifest.yml does not ask for it)`,
      ),
    );
  } else checks.push(ok('slack', 'scopes', scopes.join(', ')));

  if (products) {
    for (const { product, channel } of products.channels) {
      checks.push(await checkChannel(slack, `${product}: channel`, channel));
    }
  } else checks.push(await checkChannel(slack, 'channel', settings.SLACK_CHANNEL_ID));
  const digest = settings.REBUT_DIGEST_CHANNEL;
  if (digest && digest !== 'off' && digest !== settings.SLACK_CHANNEL_ID) {
    checks.push(await checkChannel(slack, 'digest channel', digest));
  }
  checks.push(...(await checkApprovers(slack, products?.approvers ?? settings.SLACK_APPROVERS, scopes)));

  if (settings.SLACK_APP_TOKEN) {
    try {
      await client(settings.SLACK_APP_TOKEN, settings).apps.connections.open();
      checks.push(ok('slack', 'Socket Mode', 'SLACK_APP_TOKEN opens a connection'));
    } catch (error) {
      checks.push(
        fail(
          'slack',
          'Socket Mode',
          `SLACK_APP_TOKEN cannot open a connection (${why(error)})`,
          'Slack app → Basic Information → App-Level Tokens: a token with connections:write in SLACK_APP_TOKEN',
        ),
      );
    }
  } else if (settings.SLACK_SIGNING_SECRET) {
    checks.push(
      skip(
        'slack',
        'signing secret',
        'set; it can only be checked by a request Slack signs (a wrong one shows as refused requests in the log)',
      ),
    );
  } else checks.push(fail('slack', 'signing secret', 'SLACK_SIGNING_SECRET is not set', 'SLACK_SIGNING_SECRET'));
  return checks;
}

/** The bot must be in the channel: Slack lets only members share files there and read its history. */
async function checkChannel(slack: WebClient, name: string, channel: string | undefined): Promise<Check> {
  if (!channel) return fail('slack', name, 'SLACK_CHANNEL_ID is not set', 'SLACK_CHANNEL_ID');
  try {
    await slack.conversations.history({ channel, limit: 1 });
    return ok('slack', name, `rebut's bot is in ${channel}`);
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'not_in_channel') {
      return fail('slack', name, `rebut's bot is not in ${channel}`, `type /invite @rebut in that channel`);
    }
    if (code === 'channel_not_found') {
      return fail(
        'slack',
        name,
        `${channel} does not exist, or is private and the bot is not in it`,
        'SLACK_CHANNEL_ID (channel details → the id at the bottom), and /invite @rebut there',
      );
    }
    return warn('slack', name, `not checked: ${why(error)}`);
  }
}

/** Every approver resolves: groups through usergroups.users.list, users through users.info when the scope allows. */
async function checkApprovers(slack: WebClient, approvers: string[], scopes: string[]): Promise<Check[]> {
  if (approvers.length === 0) {
    return [
      fail(
        'slack',
        'approvers',
        'SLACK_APPROVERS is empty: every click on a case is refused',
        'SLACK_APPROVERS: user ids (U…) or user-group ids (S…), comma-separated',
      ),
    ];
  }
  return Promise.all(
    approvers.map(async (id): Promise<Check> => {
      const name = `approver ${id}`;
      try {
        if (id.startsWith('S')) {
          const group = await slack.usergroups.users.list({ usergroup: id });
          const members = group.users?.length ?? 0;
          return members > 0
            ? ok('slack', name, `a user group of ${members}`)
            : warn('slack', name, 'an empty user group: nobody in it can decide a case');
        }
        if (!scopes.includes('users:read')) {
          return skip('slack', name, 'not looked up: that needs users:read, a scope rebut does not otherwise need');
        }
        const user = await slack.users.info({ user: id });
        return user.user?.deleted
          ? fail('slack', name, 'the user was deactivated', 'SLACK_APPROVERS')
          : ok('slack', name, user.user?.real_name ?? user.user?.name ?? 'found');
      } catch (error) {
        const code = slackErrorCode(error);
        if (code === 'no_such_subteam' || code === 'user_not_found') {
          return fail('slack', name, `Slack does not know ${id} (${code})`, 'SLACK_APPROVERS');
        }
        return warn('slack', name, `not checked: ${why(error)}`);
      }
    }),
  );
}
