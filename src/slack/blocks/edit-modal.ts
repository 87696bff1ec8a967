// The "Edit rebuttal" modal. A plain_text_input holds at most 3,000 characters and Stripe takes 20,000, so a long
// rebuttal is split across several inputs at paragraph (or line, or word) breaks and joined again on submit.
import type { types } from '@slack/bolt';
import { z } from 'zod';
import type { CaseView } from '../../cases/view.js';
import { reasonInWords } from '../../dispute/reasons.js';
import { MAX_REBUTTAL_CHARS } from '../../drafting/limits.js';
import { bulletList, clip, escapeMrkdwn, formatAmount } from './format.js';

export const EDIT_CALLBACK_ID = 'edit_rebuttal';
/** Block Kit: a plain_text_input's `max_length` and `initial_value` are at most 3,000 characters. */
export const INPUT_MAX_CHARS = 3000;
/** Enough inputs to go past Stripe's limit, so a too-long rebuttal gets a clear error rather than a wall. */
const MAX_INPUTS = Math.ceil(MAX_REBUTTAL_CHARS / INPUT_MAX_CHARS) + 1;
/** A modal holds at most 100 blocks; inputs beyond that cannot exist. */
const INPUT_CEILING = 90;
const INPUT_ACTION_ID = 'text';

const SEPARATORS = ['\n\n', '\n', ' ', ''] as const;

/** What the modal carries back on submit: identifiers only, never the draft (Slack: ≤ 3,000 characters). */
export const editMetadataSchema = z.object({
  caseId: z.number().int().positive(),
  draftVersion: z.number().int().nonnegative(),
  /** How consecutive inputs were cut apart, so joining restores the original spacing. */
  joins: z.array(z.enum(SEPARATORS)).max(INPUT_CEILING),
});
export type EditMetadata = z.infer<typeof editMetadataSchema>;

export function inputBlockId(index: number): string {
  return `rebuttal_${index}`;
}

/**
 * Splits `text` into pieces of at most `size` characters, cutting at the last paragraph break, else line
 * break, else space in the window (never in the first third of it, which would make tiny pieces).
 * Returns the pieces and the separator removed at each cut.
 */
export function splitForInputs(
  text: string,
  size = INPUT_MAX_CHARS,
): { parts: string[]; joins: EditMetadata['joins'] } {
  const parts: string[] = [];
  const joins: EditMetadata['joins'] = [];
  let rest = text;
  while (rest.length > size) {
    const window = rest.slice(0, size + 2);
    let cut = -1;
    let separator: (typeof SEPARATORS)[number] = '';
    for (const candidate of SEPARATORS.slice(0, 3)) {
      const at = window.lastIndexOf(candidate, size - candidate.length);
      if (at >= size / 3) {
        cut = at;
        separator = candidate;
        break;
      }
    }
    if (cut < 0) cut = size;
    parts.push(rest.slice(0, cut));
    joins.push(separator);
    rest = rest.slice(cut + separator.length);
  }
  parts.push(rest);
  return { parts, joins };
}

/** The modal for `view`'s latest draft. */
export function editModal(view: CaseView): types.ModalView {
  const text = view.draft?.text ?? '';
  const { parts, joins } = splitForInputs(text);
  // One empty input more than the draft needs, so there is room to add to it (never fewer than the draft needs).
  const count = Math.max(parts.length, Math.min(MAX_INPUTS, Math.max(2, parts.length + 1)));
  const metadata: EditMetadata = { caseId: view.caseId, draftVersion: view.draft?.version ?? 0, joins };
  const { dispute } = view;
  const summary = `*${escapeMrkdwn(formatAmount(dispute.amount, dispute.currency))} · ${escapeMrkdwn(reasonInWords(dispute.reason))}* · ${escapeMrkdwn(dispute.id)}\nSaving stores a new version of the rebuttal and checks its claims against the evidence. Nothing is sent to Stripe until someone approves it on the message.`;

  const blocks: types.KnownBlock[] = [
    { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: summary } },
  ];
  const findings = view.draft?.findings ?? [];
  if (findings.length > 0) {
    blocks.push({
      type: 'context',
      block_id: 'findings',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(
            `:warning: Claims in the current version that the evidence does not back:\n${bulletList(findings.map(escapeMrkdwn), 2500)}`,
            3000,
          ),
        },
      ],
    });
  }
  for (let index = 0; index < count; index++) {
    const initial = parts[index];
    const element: types.PlainTextInput = {
      type: 'plain_text_input',
      action_id: INPUT_ACTION_ID,
      multiline: true,
      max_length: INPUT_MAX_CHARS,
      ...(initial ? { initial_value: initial } : {}),
    };
    blocks.push({
      type: 'input',
      block_id: inputBlockId(index),
      optional: index > 0,
      label: { type: 'plain_text', text: index === 0 ? 'Rebuttal' : `Rebuttal, continued (part ${index + 1})` },
      ...(index === 0
        ? {
            hint: {
              type: 'plain_text' as const,
              text: `At most ${MAX_REBUTTAL_CHARS.toLocaleString('en-US')} characters in all. A long rebuttal continues in the next box; the boxes are joined in order.`,
            },
          }
        : {}),
      element,
    });
  }
  return {
    type: 'modal',
    callback_id: EDIT_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Edit rebuttal' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

type StateValues = Record<string, Record<string, { value?: string | null }>>;

/**
 * The rebuttal typed into the modal: the inputs in order, joined with the separator removed when they were
 * split (a blank line between inputs that were added or emptied), trimmed.
 */
export function editedText(values: StateValues, joins: EditMetadata['joins']): string {
  let text = '';
  let previous = -1;
  for (let index = 0; index < INPUT_CEILING; index++) {
    const value = values[inputBlockId(index)]?.[INPUT_ACTION_ID]?.value ?? '';
    if (value === '') continue;
    if (previous >= 0) {
      const joinedDirectly = index === previous + 1 ? joins[previous] : undefined;
      text += joinedDirectly ?? '\n\n';
    }
    text += value;
    previous = index;
  }
  return text.trim();
}

/** The block id an error about the whole rebuttal is shown under: the first input. */
export const FIRST_INPUT_BLOCK_ID = inputBlockId(0);
