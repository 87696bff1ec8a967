import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { type AutopilotConditions, DEFAULT_CONDITIONS, listAutopilot, setAutopilot } from '../../../cases/autopilot.js';
import { caseTimeline, timelineInWords } from '../../../cases/timing.js';
import { loadCaseView } from '../../../cases/view.js';
import { getCaseByDispute } from '../../../db/cases.js';
import { DISPUTE_REASONS, isDisputeReason, reasonInWords } from '../../../dispute/reasons.js';
import { messageOf } from '../../../errors.js';
import { currencyDecimals } from '../../../money.js';
import { STATS_WINDOWS, type StatsWindow } from '../../../stats/summarise.js';
import { sinceDay } from '../../../sync/index.js';
import { recordRefusal, refusalText } from '../../authorize.js';
import { clip, escapeMrkdwn, visibleText } from '../../blocks/format.js';
import { refusedDraftBlocks } from '../../blocks/refused-draft.js';
import { autopilotList, conditionsInWords, HELP_TEXT } from '../../blocks/replies.js';
import { renderCase } from '../../messages/index.js';
import type { ListenerDeps } from '../deps.js';
import { STATS_PERIOD_HELP, statsFromSlack, syncFromSlack, syncProductOf } from './history.js';
import { commandProduct } from './product.js';

type CommandArgs = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/** What `/disputes <text>` asks for; anything unrecognised gets the help. */
export type DisputesCommand =
  | { kind: 'help' }
  | { kind: 'auto-list' }
  | { kind: 'auto-set'; enabled: boolean; reason: string; conditions: AutopilotConditions }
  | { kind: 'show'; disputeId: string }
  | { kind: 'sync'; product?: string; since?: Date }
  | { kind: 'stats'; window: StatsWindow; product?: string }
  | { kind: 'invalid'; message: string };

/** Parses the command text (pure). */
export function parseDisputesCommand(text: string): DisputesCommand {
  const [word = 'help', ...rest] = text.trim().split(/\s+/).filter(Boolean);
  switch (word.toLowerCase()) {
    case 'help':
      return { kind: 'help' };
    case 'auto': {
      if (rest.length === 0) return { kind: 'auto-list' };
      const [first = '', ...after] = rest;
      const toggle = first.toLowerCase();
      const enabled = toggle !== 'off';
      const [named, ...words] = toggle === 'on' || toggle === 'off' ? after : rest;
      const reason = named?.toLowerCase();
      if (!reason)
        return { kind: 'invalid', message: `Which reason? For example \`/disputes auto ${toggle} fraudulent\`.` };
      if (!isDisputeReason(reason)) {
        return {
          kind: 'invalid',
          message: `\`${echo(reason)}\` is not a Stripe dispute reason. Use one of: ${DISPUTE_REASONS.map((r) => `\`${r}\``).join(', ')}.`,
        };
      }
      const conditions = parseConditions(words);
      if (typeof conditions === 'string') return { kind: 'invalid', message: conditions };
      return { kind: 'auto-set', enabled, reason, conditions };
    }
    case 'show': {
      const disputeId = rest[0];
      if (!disputeId) return { kind: 'invalid', message: 'Which dispute? For example `/disputes show dp_1Abc…`.' };
      return { kind: 'show', disputeId };
    }
    case 'sync': {
      // `sync [product] [since]`: a product id never starts with a digit, a date always does.
      const [first, second] = rest;
      const named = first !== undefined && !/^\d/.test(first) ? first.toLowerCase() : undefined;
      const since = named === undefined ? first : second;
      const product = named === undefined ? {} : { product: named };
      if (!since) return { kind: 'sync', ...product };
      const date = sinceDay(since);
      if (!date) {
        return {
          kind: 'invalid',
          message: 'Sync since when? Give a past date as YYYY-MM-DD, e.g. `/disputes sync 2025-01-01`.',
        };
      }
      return { kind: 'sync', ...product, since: date };
    }
    case 'stats': {
      // `[product] [period]`, in either order: which products there are is known only once the database is asked.
      let window: StatsWindow | undefined;
      let product: string | undefined;
      for (const typed of rest.map((word) => word.toLowerCase())) {
        if (window === undefined && isStatsWindow(typed)) window = typed;
        else if (product === undefined && PRODUCT_WORD.test(typed)) product = typed;
        else return { kind: 'invalid', message: STATS_PERIOD_HELP };
      }
      return { kind: 'stats', window: window ?? '30d', ...(product !== undefined ? { product } : {}) };
    }
    default:
      return { kind: 'invalid', message: `rebut does not know \`${echo(word)}\`.\n${HELP_TEXT}` };
  }
}

/** What could be a product id (src/products/config.ts); anything else after `stats` is a mistyped period. */
const PRODUCT_WORD = /^[a-z][a-z0-9-]{0,31}$/;

function isStatsWindow(word: string): word is StatsWindow {
  return (STATS_WINDOWS as readonly string[]).includes(word);
}

/** `/disputes`: every answer is ephemeral (the ack body of a slash command is seen by the caller only). */
export const disputesCallback = (deps: ListenerDeps) => async (args: CommandArgs) => {
  const { ack, command } = args;
  const userId = command.user_id;
  // Autopilot rules are a product's own: `auto` works on the product named, or the one whose channel this is.
  // (`sync` and `stats` read their product from their own words: stats without one covers every product.)
  const first = command.text.trim().split(/\s+/)[0]?.toLowerCase();
  const resolved =
    first === 'auto' || first === 'show' ? commandProduct(deps, command.text, command.channel_id) : undefined;
  const parsed = parseDisputesCommand(resolved && 'product' in resolved ? resolved.text : command.text);
  const product = resolved && 'product' in resolved ? resolved.product : undefined;
  /** Why `auto` has no product to work on. */
  const whichProduct = resolved && 'refused' in resolved ? resolved.refused : HELP_TEXT;

  /** For commands that change or reveal cases: approvers (of `forProduct`) only; others are refused and audited. */
  const allowed = async (attempted: string, what: string, forProduct = product): Promise<boolean> => {
    const permission = await deps.approvers.check(userId, forProduct);
    if (permission.allowed) return true;
    await recordRefusal(deps.pool, { userId, attempted, reason: permission.reason, detail: { command: command.text } });
    await ack(refusalText(permission.reason, what));
    return false;
  };

  try {
    switch (parsed.kind) {
      case 'help':
        await ack(HELP_TEXT);
        return;
      case 'invalid':
        await ack(parsed.message);
        return;
      case 'auto-list':
        if (!product) {
          await ack(whichProduct);
          return;
        }
        await ack(autopilotList(await listAutopilot(deps.pool, product)));
        return;
      case 'auto-set': {
        if (!product) {
          await ack(whichProduct);
          return;
        }
        const words = escapeMrkdwn(reasonInWords(parsed.reason));
        if (
          !(await allowed(`auto ${parsed.enabled ? 'on' : 'off'}`, `turn autopilot ${parsed.enabled ? 'on' : 'off'}`))
        )
          return;
        await setAutopilot(deps.pool, product, parsed.reason, parsed.enabled, `slack:${userId}`, parsed.conditions);
        await ack(
          parsed.enabled
            ? `:robot_face: Autopilot is on for *${words}*: new ${words} cases ${conditionsInWords(parsed.conditions)} are submitted as soon as they are drafted, without review.`
            : `Autopilot is off for *${words}*: new ${words} cases wait for a person (or the review window).`,
        );
        return;
      }
      case 'show': {
        if (!(await allowed('show', 'look up cases'))) return;
        const found = await getCaseByDispute(deps.pool, parsed.disputeId);
        const view = found ? await loadCaseView(deps.pool, found.id, deps.unwinnable) : undefined;
        // A case is shown to its own product's approvers only.
        if (view && view.dispute.product !== product && !(await allowed('show', 'look up cases', view.dispute.product)))
          return;
        if (!view) {
          await ack(`rebut has no case for \`${echo(parsed.disputeId)}\`.`);
          return;
        }
        const message = await renderCase(deps.pool, view, (deps.clock ?? (() => new Date()))());
        await ack({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
        // Only here, on request, the model's refused drafts, struck through and marked as refused (a message of
        // their own: the case message may already be near Slack's size limit).
        const refused = refusedDraftBlocks(view);
        if (refused.length > 0) {
          await args.respond({
            response_type: 'ephemeral',
            text: 'Refused drafts (not sent, not facts)',
            blocks: refused,
          });
        }
        // Where the case's time went on its way to Slack (cases/timing.ts), for a case that seemed slow.
        const timeline = await caseTimeline(deps.pool, view.caseId);
        if (timeline)
          await args.respond({ response_type: 'ephemeral', text: `:stopwatch: ${timelineInWords(timeline)}` });
        return;
      }
      case 'sync': {
        // The product named, or the channel's.
        const target = syncProductOf(deps, parsed.product, command.channel_id);
        if (typeof target !== 'string') {
          await ack(target.answer);
          return;
        }
        if (!(await allowed('sync', 'sync disputes', target))) return;
        await syncFromSlack(args, deps, target, parsed.since);
        return;
      }
      case 'stats':
        // The answer lists open cases (ids, amounts, deadlines) to the channel: approvers only, as for `show`; one
        // product's stats, that product's approvers.
        if (!(await allowed('stats', 'see dispute stats', parsed.product))) return;
        await statsFromSlack(args, deps, parsed.window, parsed.product);
        return;
    }
  } catch (error) {
    deps.log.error({ err: error, command: command.text }, '/disputes failed');
    const text = `:warning: Something went wrong: ${messageOf(error)}`;
    // Sync and stats acknowledge before their work: a failure after that is told through the response URL.
    await ack(text).catch(() => args.respond({ response_type: 'ephemeral', text }).catch(() => {}));
  }
};

const AUTO_EXAMPLE = '`/disputes auto on fraudulent max 100 usd evidence 60% model`';

/**
 * The conditions after `/disputes auto on <reason>`: `min <amount> <currency>`, `max <amount> <currency>`,
 * `evidence <percent>%`, `model` or `template` (whose draft may go), `any-verdict` (also cases triage would not
 * fight). A word it does not know is an answer naming it, never a rule broader than asked for.
 */
export function parseConditions(words: readonly string[]): AutopilotConditions | string {
  const conditions: AutopilotConditions = { ...DEFAULT_CONDITIONS };
  for (let index = 0; index < words.length; index++) {
    const word = (words[index] ?? '').toLowerCase();
    if (word === 'min' || word === 'max') {
      const amount = words[index + 1] ?? '';
      const currency = (words[index + 2] ?? '').toLowerCase();
      if (!/^\d+(\.\d+)?$/.test(amount) || !/^[a-z]{3}$/.test(currency)) {
        return `\`${word}\` takes an amount and a currency, for example \`${word} 100 usd\`.`;
      }
      if (conditions.currency !== null && conditions.currency !== currency)
        return 'Give `min` and `max` in one currency.';
      conditions.currency = currency;
      const minor = Math.round(Number(amount) * 10 ** currencyDecimals(currency));
      if (word === 'min') conditions.minAmount = minor;
      else conditions.maxAmount = minor;
      index += 2;
    } else if (word === 'evidence') {
      const share = /^(\d{1,3})%?$/.exec(words[index + 1] ?? '');
      if (!share || Number(share[1]) > 100)
        return '`evidence` takes a share of the evidence found, for example `evidence 60%`.';
      conditions.minEvidence = Number(share[1]) / 100;
      index += 1;
    } else if (word === 'model' || word === 'template') {
      conditions.draftFrom = word;
    } else if (word === 'any-verdict') {
      conditions.verdict = 'any';
    } else {
      return `\`${echo(word)}\` is not an autopilot condition. For example ${AUTO_EXAMPLE}.`;
    }
  }
  if (conditions.minAmount !== null && conditions.maxAmount !== null && conditions.minAmount > conditions.maxAmount) {
    return '`min` is above `max`: no dispute would match.';
  }
  return conditions;
}

/** The most of what someone typed that an answer repeats. */
const ECHO_MAX = 60;

/** What someone typed, as an answer may repeat it: visible characters only (no bidi overrides), and short. */
function echo(typed: string): string {
  return escapeMrkdwn(clip(visibleText(typed), ECHO_MAX));
}
