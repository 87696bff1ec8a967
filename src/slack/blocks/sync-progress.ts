// `/disputes sync`: one message, updated as pages arrive, ending with what the sync did. Pure: the sync's
// progress or result in, `{ text, blocks }` out. Stripe's list has no total, so the bar measures how far back
// in time the listing has come (down to `since`, or the oldest dispute already stored), each connected account
// an equal share; with nothing to measure against it is an indeterminate bar that moves with every page. With
// connected accounts, the message lists each account and what the sync did there.
import type { types } from '@slack/bolt';
import { textBar } from '../../stats/format.js';
import type { SyncResult } from '../../sync/index.js';
import {
  type AccountCounts,
  accountLabel,
  accountState,
  accountsToShow,
  runFraction,
  type SyncProgress,
} from '../../sync/progress.js';
import { plural } from '../../text.js';
import { actorInWords, escapeMrkdwn, slackDate } from './format.js';

type KnownBlock = types.KnownBlock;

export const PROGRESS_BAR_WIDTH = 20;
/** Accounts listed by name in the message; the rest are counted in one line (a platform may have thousands). */
export const ACCOUNTS_SHOWN = 12;

export interface SyncMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface SyncMessageInput {
  /** Who asked (`slack:U123`, `nightly`). */
  startedBy?: string;
  /** With several products, the product synced: named in the message. */
  product?: string;
  since?: Date | null;
  progress?: SyncProgress;
  result?: SyncResult;
}

/** The bar drawn in the message (the same as `rebut sync` draws in a terminal). */
export function progressBar(fraction: number | null, step = 0, width = PROGRESS_BAR_WIDTH): string {
  return textBar(fraction, step, width);
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } };
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: text.slice(0, 3000) }] };
}

function number(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return plural(seconds, 'second');
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? plural(minutes, 'minute') : plural(Math.round(minutes / 60), 'hour');
}

/** One line per account (the platform and its connected accounts), when there is more than the platform. */
function accountsSection(accounts: readonly AccountCounts[], notListed: string | null): KnownBlock[] {
  const lines: string[] = [];
  if (accounts.length > 1) {
    const { shown, rest } = accountsToShow(accounts, ACCOUNTS_SHOWN);
    for (const entry of shown) {
      const mark = entry.status === 'skipped' || entry.status === 'failed' ? ':warning: ' : '';
      const name = entry.account === null ? accountLabel(null) : `\`${entry.account}\``;
      lines.push(`${mark}${name}: ${escapeMrkdwn(accountState(entry)).slice(0, 200)}`);
    }
    if (rest) lines.push(rest);
  }
  if (notListed) {
    lines.push(
      `:warning: Connected accounts were not listed (Stripe: ${escapeMrkdwn(notListed).slice(0, 300)}); only the platform's own disputes were synced.`,
    );
  }
  return lines.length > 0 ? [section(lines.join('\n'))] : [];
}

function scope(input: SyncMessageInput): string {
  const since = input.since ? `opened since ${slackDate(input.since, '{date_short}')}` : 'of all time';
  const who = input.startedBy ? `, started by ${actorInWords(input.startedBy)}` : '';
  const of = input.product ? ` of *${escapeMrkdwn(input.product)}*` : '';
  return `Disputes${of} ${since}${who}.`;
}

export function syncProgressBlocks(input: SyncMessageInput): SyncMessage {
  const { result, progress } = input;
  if (result) return resultMessage(input, result);
  if (!progress) {
    return {
      text: 'Syncing disputes from Stripe…',
      blocks: [
        section(`:arrows_counterclockwise: *Syncing disputes from Stripe…*\n\`${progressBar(null)}\` starting`),
        context(scope(input)),
      ],
    };
  }
  const fraction = runFraction(progress);
  const listing =
    progress.phase === 'catch_up'
      ? 'catching up on disputes that arrived since the last sync stopped'
      : progress.reachedBack
        ? `reached back to ${slackDate(progress.reachedBack, '{date_short}')}`
        : 'listing';
  const position = progress.accounts.findIndex((entry) => entry.account === progress.account) + 1;
  const stage =
    progress.accounts.length > 1
      ? `${progress.account === null ? accountLabel(null) : `\`${progress.account}\``} (account ${position} of ${number(progress.accounts.length)}): ${listing}`
      : listing;
  const share = fraction === null ? '' : ` ${Math.round(fraction * 100)}%`;
  return {
    text: `Syncing disputes from Stripe: ${number(progress.seen)} so far`,
    blocks: [
      section(
        `:arrows_counterclockwise: *Syncing disputes from Stripe…*\n\`${progressBar(fraction, progress.pages)}\`${share}\n${number(progress.seen)} disputes · ${plural(progress.pages, 'page')} · ${number(progress.rate)}/s · ${stage}`,
      ),
      ...accountsSection(progress.accounts, null),
      context(scope(input)),
    ],
  };
}

function resultMessage(input: SyncMessageInput, result: SyncResult): SyncMessage {
  if (result.status === 'busy') {
    const running = result.running;
    const detail = running
      ? ` (started by ${actorInWords(running.startedBy)} ${slackDate(running.startedAt)}, ${number(running.seen)} disputes so far)`
      : '';
    return {
      text: 'A dispute sync is already running',
      blocks: [
        section(
          `:hourglass_flowing_sand: A dispute sync is already running${detail}. This one was not started; its progress is in that sync's message.`,
        ),
      ],
    };
  }
  const done = `${number(result.seen)} disputes in ${duration(result.ms)}`;
  const cases = [
    result.inserted > 0 ? `${number(result.inserted)} new to rebut` : '',
    result.casesOpened > 0 ? `${plural(result.casesOpened, 'case')} opened for disputes that need a response` : '',
    result.casesClosed > 0 ? `${plural(result.casesClosed, 'case')} closed with Stripe's decision` : '',
    result.resumedFrom !== null ? `continued the sync that stopped (run ${result.resumedFrom})` : '',
  ].filter(Boolean);
  const details = cases.length > 0 ? `\n${cases.join(' · ')}` : '';
  if (result.status === 'done') {
    return {
      text: `Dispute sync finished: ${done}`,
      blocks: [
        section(
          `:white_check_mark: *Dispute sync finished*\n\`${progressBar(1)}\` 100%\n${done} (${number(result.rate)}/s)${details}`,
        ),
        ...accountsSection(result.accounts, result.accountsNotListed),
        context(`${scope(input)} \`/disputes stats\` shows what they say.`),
      ],
    };
  }
  const why =
    result.status === 'stopped'
      ? 'It was stopped'
      : `Stripe or the database failed after retries: ${escapeMrkdwn(result.error).slice(0, 500)}`;
  return {
    text: `Dispute sync stopped after ${number(result.seen)} disputes`,
    blocks: [
      section(
        `:warning: *Dispute sync stopped* after ${done}.${details}\n${why}. Run \`/disputes sync\` again to continue where it stopped.`,
      ),
      ...accountsSection(result.accounts, result.accountsNotListed),
      context(scope(input)),
    ],
  };
}
