import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { messageOf } from '../../../errors.js';
import { renderStatsChart } from '../../../stats/chart.js';
import { knownProducts, pickProduct, productList, statsFor } from '../../../stats/index.js';
import type { StatsWindow } from '../../../stats/summarise.js';
import { runSync } from '../../../sync/index.js';
import { runningSync } from '../../../sync/runs.js';
import { statsBlocks } from '../../blocks/stats.js';
import { syncProgressBlocks } from '../../blocks/sync-progress.js';
import type { ListenerDeps } from '../deps.js';

type CommandArgs = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/** Slack allows about one update a second per message; every two seconds keeps well clear. */
export const SYNC_UPDATE_EVERY_MS = 2_000;

/**
 * `/disputes sync [since]`: one message in the channel, updated as pages arrive (never one
 * message per page), ending with the result. A sync already running (here or on another
 * instance) is reported instead of started twice.
 */
export async function syncFromSlack(args: CommandArgs, deps: ListenerDeps, since: Date | undefined): Promise<void> {
  const { ack, command, client } = args;
  if (deps.productChannels) {
    // A sync files what it lists under one product: with several it would mix them up, so it does not start.
    await ack(
      ':construction: With several products, /disputes sync is not available yet: each product keeps its cases ' +
        'from its webhooks. Nothing was started.',
    );
    return;
  }
  const running = await runningSync(deps.pool);
  if (running) {
    await ack(
      `A sync is already running (started by ${running.startedBy} at ${running.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${running.seen.toLocaleString('en-US')} disputes so far). It goes on; this one was not started.`,
    );
    return;
  }
  const channel = deps.channel ?? command.channel_id;
  const startedBy = `slack:${command.user_id}`;
  await ack(`Syncing disputes from Stripe; progress is shown in <#${channel}>.`);
  const first = syncProgressBlocks({ startedBy, since: since ?? null });
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
    {
      pool: deps.pool,
      stripe: deps.stripe,
      log: deps.log,
    },
    {
      since,
      startedBy,
      onProgress: (progress) => {
        const now = Date.now();
        if (progress.done || now - lastUpdate < SYNC_UPDATE_EVERY_MS) return;
        lastUpdate = now;
        update(syncProgressBlocks({ startedBy, since: since ?? null, progress }));
      },
    },
  );
  update(syncProgressBlocks({ startedBy, since: since ?? null, result }));
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
