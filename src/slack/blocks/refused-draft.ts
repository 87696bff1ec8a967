// A refused draft, for the person who asks to read it (`/disputes show`): marked as refused in its heading and its
// every line, so nobody takes it for the rebuttal or for facts.
import type { types } from '@slack/bolt';
import type { CaseView } from '../../cases/view.js';
import { clip, escapeMrkdwn } from './format.js';

/** Block Kit allows 3,000 characters of section text. */
const SECTION_MAX = 3000;
/** At most this many refused drafts in one message: with their headings, within Slack's limit on a message's text. */
const MAX_SHOWN = 2;

export function refusedDraftBlocks(view: CaseView): types.KnownBlock[] {
  const refused = (view.draft?.refused ?? []).slice(-MAX_SHOWN);
  return refused.flatMap((draft, index): types.KnownBlock[] => [
    { type: 'divider' },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `:no_entry: *Refused draft ${index + 1} of ${refused.length}: not sent to Stripe, and not a fact.* The grounding check refused it: ${escapeMrkdwn(draft.because)}.`,
          SECTION_MAX,
        ),
      },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          draft.text
            .split('\n')
            .map((line) => `> ~${escapeMrkdwn(line)}~`)
            .join('\n'),
          SECTION_MAX,
        ),
      },
    },
  ]);
}
