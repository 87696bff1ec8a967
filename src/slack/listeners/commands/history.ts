import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { DEFAULT_PRODUCT } from '../../../dispute/products.js';
import { messageOf } from '../../../errors.js';
import { stripeFor } from '../../../products/clients.js';
import { renderStatsChart } from '../../../stats/chart.js';
import { knownProducts, pickProduct, productList, statsFor } from '../../../stats/index.js';
import type { StatsWindow } from '../../../stats/summarise.js';
import { runSync } from '../../../sync/index.js';
import { runningSync } from '../../../sync/runs.js';
import { clip, escapeMrkdwn, visibleText } from '../../blocks/format.js';
import { statsBlocks } from '../../blocks/stats.js';
import { syncProgressBlocks } from '../../blocks/sync-progress.js';
import type { ListenerDeps } from '../deps.js';

type CommandArgs = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/** Slack allows about one update a second per message; every two seconds keeps well clear. */
export const SYNC_UPDATE_EVERY_MS = 2_000;

/**
 * Which product `/disputes sync` syncs: the one named, else (with several products) the one whose channel the command
 * was typed in; without a products file, the one product. Neither, or a product rebut does not have: the answer to
 * give, listing the products and their channels.
 */
export function syncProductOf(
  deps: Pick<ListenerDeps, 'productChannels'>,
  named: string | undefined,
  channel: string,
): string | { answer: string } {
  const channels = deps.productChannels;
  const ids = channels ? [...channels.keys()] : [DEFAULT_PRODUCT];
  if (named !== undefined && ids.includes(named)) return named;
  if (!channels) {
    // One product: a word that is neither its id nor a date was meant as a date.
    if (named === undefined) return DEFAULT_PRODUCT;
    return { answer: 'Sync since when? Give a past date as YYYY-MM-DD, e.g. `/disputes sync 2025-01-01`.' };
  }
  const here = named === undefined ? [...channels].find(([, own]) => own === channel)?.[0] : undefined;
  if (here) return here;
  const list = [...channels].map(([id, own]) => `\`${id}\` (<#${own}>)`).join(', ');
  const which =
    named === undefined
      ? "Which product? This is no product's channel: type `/disputes sync` in a product's channel, or name it"
      : `rebut has no product \`${escapeMrkdwn(clip(visibleText(named), 40))}\` (a date is YYYY-MM-DD): name one`;
  return { answer: `${which}, e.g. \`/disputes sync ${ids[0] ?? DEFAULT_PRODUCT}\`. The products: ${list}.` };
}

/**
 * `/disputes sync [product] [since]`: one message in the product's channel, updated as pages arrive (never one
 * message per page), ending with the result. A sync of the product already running (here or on another instance) is
 * reported instead of started twice; another product's may run meanwhile.
 */
export async function syncFromSlack(
  args: CommandArgs,
  deps: ListenerDeps,
  product: string,
  since: Date | undefined,
): Promise<void> {
  const { ack, command, client } = args;
  const running = await runningSync(deps.pool, product);
  const several = deps.productChannels !== undefined;
  const of = several ? ` of ${product}` : '';
  if (running) {
    await ack(
      `A sync${of} is already running (started by ${running.startedBy} at ${running.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${running.seen.toLocaleString('en-US')} disputes so far). It goes on; this one was not started.`,
    );
    return;
  }
  const channel = deps.productChannels?.get(product) ?? deps.channel ?? command.channel_id;
  const startedBy = `slack:${command.user_id}`;
  await ack(`Syncing disputes${of} from Stripe; progress is shown in <#${channel}>.`);
  const shown = { startedBy, since: since ?? null, ...(several ? { product } : {}) };
  const first = syncProgressBlocks(shown);
  const posted = await client.chat.postMessage({ channel, text: first.text, blocks: first.blocks });
  const ts = posted.ts;
  let lastUpdate = 0;
  let updating: Promise<unknown> = Promise.resolve();
  const update = (message: { text: string; blocks: unknown[] }) => {
    if (!ts) return;
    updating = updating
      .then(() => client.chat.update({ channel, ts, text: message.text, blocks: message.blocks as never }))
      .catch((error: unknown) => deps.log.warn({ err: error }, 'could not update the sync message; the sync goes on'));
  };
  const result = await runSync(
    { pool: deps.pool, product: { id: product, stripe: stripeFor(deps, product) }, log: deps.log },
    {
      since,
      startedBy,
      onProgress: (progress) => {
        const now = Date.now();
        if (progress.done || now - lastUpdate < SYNC_UPDATE_EVERY_MS) return;
        lastUpdate = now;
        update(syncProgressBlocks({ ...shown, progress }));
      },
    },
  );
  update(syncProgressBlocks({ ...shown, result }));
  await updating;
}

/** The answer to a period rebut does not know (and, with one product, to any word it does not know). */
export const STATS_PERIOD_HELP = 'Stats for which period? `/disputes stats 30d`, `90d` or `all`.';

/**
 * `/disputes stats [product] [30d|90d|all]`: the figures as blocks where the command was typed, and the chart as an
 * image. With several products and none named: every product, a line each, and the total; a product named: its own.
 */
export async function statsFromSlack(
  args: CommandArgs,
  deps: ListenerDeps,
  window: StatsWindow,
  typed: string | undefined,
): Promise<void> {
  const { ack, command, client, respond } = args;
  const known = await knownProducts(deps.pool, deps.productNames);
  const choice = pickProduct(known, typed);
  if ('unknown' in choice) {
    // With one product, a word that is not a period was meant as one: the answer of a set-up without products.
    await ack(
      known.length > 1
        ? `rebut has no product \`${choice.unknown}\`. Its products: ${productList(known, (id) => `\`${id}\``)}. For example \`/disputes stats ${known[0]?.id ?? ''} 90d\`.`
        : STATS_PERIOD_HELP,
    );
    return;
  }
  await ack();
  const now = (deps.clock ?? (() => new Date()))();
  const { stats, scope } = await statsFor(deps.pool, { window, now, known, product: choice.product });
  const message = statsBlocks(stats, scope);
  await respond({ response_type: 'in_channel', text: message.text, blocks: message.blocks });
  if (stats.disputes === 0) return;
  const chart = await renderStatsChart(stats, scope);
  for (const channel of [command.channel_id, deps.channel]) {
    if (!channel) continue;
    try {
      await client.files.uploadV2({
        channel_id: channel,
        file: chart,
        filename: `rebut-stats-${choice.product ? `${choice.product.id}-` : ''}${window}.png`,
        title: `Win rate by month and by reason${scope.products ? ' and by product' : ''} (${window === 'all' ? 'all time' : `last ${window.slice(0, -1)} days`})`,
        alt_text: message.text.slice(0, 1000),
      });
      return;
    } catch (error) {
      deps.log.warn({ err: error, channel }, `could not upload the stats chart: ${messageOf(error)}`);
    }
  }
}
