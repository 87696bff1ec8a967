import { describe, expect, it } from 'vitest';
import { MESSAGE_BLOCKS_TEXT_LIMIT, messageBlocksTextLength } from '../../sandbox/slack/block-kit.js';
import { BLOCK_KIT_LIMITS, validateMessageBlocks, validateView } from '../../sandbox/slack/index.js';
import { DEFAULT_CONDITIONS } from '../../src/cases/autopilot.js';
import { MAX_REBUTTAL_CHARS } from '../../src/drafting/limits.js';
import { EVIDENCE_ITEMS } from '../../src/evidence/playbook/plans.js';
import {
  CASE_ACTIONS,
  CASE_MESSAGE_TEXT_BUDGET,
  caseMessage,
  DRAFT_PREVIEW_CHARS,
} from '../../src/slack/blocks/case-message.js';
import { editedText, editModal, splitForInputs } from '../../src/slack/blocks/edit-modal.js';
import {
  blocksTextLength,
  bulletList,
  clip,
  fitMrkdwn,
  formatAmount,
  relativeTime,
} from '../../src/slack/blocks/format.js';
import { parseDisputesCommand } from '../../src/slack/listeners/commands/disputes.js';
import { caseViewFixture } from '../support/cases.js';

const NOW = new Date('2026-03-02T12:00:00Z');

/** A rebuttal of `length` characters in paragraphs, like a long LLM draft. */
function longRebuttal(length: number): string {
  const paragraph = `${'The customer logged in from 203.0.113.7 and generated designs after paying. '.repeat(8).trim()}\n\n`;
  return paragraph.repeat(Math.ceil(length / paragraph.length)).slice(0, length);
}

type Block = { type: string; block_id?: string; elements?: Record<string, unknown>[]; text?: { text: string } };

function blocksOf(message: { blocks: unknown[] }): Block[] {
  return message.blocks as Block[];
}

function buttons(message: { blocks: unknown[] }) {
  const actions = blocksOf(message).find((block) => block.type === 'actions');
  return (actions?.elements ?? []) as { action_id: string; value: string; confirm?: { text: { text: string } } }[];
}

/** Every mrkdwn text object in the blocks. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (typeof value !== 'object' || value === null) return [];
  const object = value as Record<string, unknown>;
  if (object.type === 'mrkdwn' && typeof object.text === 'string') return [object.text];
  return Object.values(object).flatMap(mrkdwnTexts);
}

function allText(message: { text: string; blocks: unknown[] }): string {
  return `${message.text}\n${JSON.stringify(message.blocks)}`;
}

/** The text of the block whose id ends in `_<name>` (`draft`, `packet`, `evidence`, …); '' when there is none. */
function blockText(message: { blocks: unknown[] }, name: string): string {
  const block = blocksOf(message).find((candidate) => candidate.block_id?.endsWith(`_${name}`));
  return block?.text?.text ?? '';
}

/** `length` characters of prose starting with `label`, like a long triage reason or grounding finding. */
function prose(label: string, length: number): string {
  return `${label}: ${'the customer logged in from the same address and used the product '.repeat(Math.ceil(length / 60))}`.slice(
    0,
    length,
  );
}

/**
 * A case with everything at its longest: a 20,000-character draft, 40 findings of 200 characters, 60 dropped items,
 * the whole evidence checklist, sources that did not answer, long triage reasons and a 300-character customer name.
 */
function worstCase(overrides: Parameters<typeof caseViewFixture>[0] = {}) {
  return caseViewFixture({
    dispute: { customerName: 'Jenny Rosen '.repeat(25) },
    triage: {
      decision: 'fight',
      reasons: Array.from({ length: 12 }, (_, index) => prose(`Reason ${index + 1}`, 250)),
      gaps: Array.from({ length: 8 }, (_, index) => ({ item: prose(`Gap ${index + 1}`, 150), weight: index })),
    },
    checklist: Object.values(EVIDENCE_ITEMS).map((item, index) => ({ item, found: index % 2 === 0 })),
    missingSources: Array.from({ length: 6 }, (_, index) => ({
      source: `source-${index + 1}`,
      problem: prose('timed out', 150),
    })),
    droppedEvidence: Array.from({ length: 60 }, (_, index) => ({
      what: `Screenshot ${index + 1}`,
      why: prose('over the 4.5 MB packet budget', 100),
    })),
    draft: {
      text: longRebuttal(MAX_REBUTTAL_CHARS),
      findings: Array.from({ length: 40 }, (_, index) => prose(`Claim ${index + 1}`, 200)),
    },
    ...overrides,
  });
}

describe('the case message', () => {
  it('shows amount, reason, network, customer, due date, automatic submission time, triage, evidence and the draft', () => {
    const message = caseMessage(caseViewFixture(), NOW);
    const text = allText(message);
    expect(text).toContain('$49.00');
    expect(text).toContain('Fraudulent');
    expect(text).toContain('Visa');
    expect(text).toContain('Jenny Rosen');
    expect(text).toContain(`<!date^${Math.floor(new Date('2026-03-10T23:59:59Z').getTime() / 1000)}^`);
    expect(text).toContain(`<!date^${Math.floor(new Date('2026-03-03T12:00:00Z').getTime() / 1000)}^`);
    expect(text).toContain('in 24 hours');
    expect(text).toContain('Triage recommends:* Fight');
    expect(text).toContain('Proof the customer agreed to the terms');
    expect(text).toContain('Terms of service acceptance (missing)');
    expect(text).toContain('timed out after 10 s');
    expect(text).toContain('Screenshot 7: over the 4.5 MB packet budget');
    expect(text).toContain('Jenny Rosen bought the Pro plan');
    expect(message.text.length).toBeGreaterThan(0);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
  });

  it('says which language a rebuttal goes to the bank in when it is not English; the rest stays in English', () => {
    const french = allText(caseMessage(caseViewFixture({ draft: { language: 'fr' } }), NOW));
    expect(french).toContain('*Rebuttal* (in French, version 1, from the template');
    expect(french).toContain('Triage recommends:* Fight');
    expect(allText(caseMessage(caseViewFixture(), NOW))).toContain('*Rebuttal* (version 1, from the template');
  });

  it('a case waiting for review has Approve, Edit, Auto, Accept and Hold, with confirm dialogs where the click is final', () => {
    const message = caseMessage(caseViewFixture(), NOW);
    const byId = new Map(buttons(message).map((button) => [button.action_id, button]));
    expect([...byId.keys()]).toEqual([
      CASE_ACTIONS.approve,
      CASE_ACTIONS.edit,
      CASE_ACTIONS.auto,
      CASE_ACTIONS.accept,
      CASE_ACTIONS.hold,
    ]);
    expect(byId.get('hold')?.confirm?.text.text).toContain('lost by default');
    expect(byId.get('approve')?.confirm).toBeDefined();
    expect(byId.get('auto')?.confirm?.text.text).toContain('Submit now and put Fraudulent on autopilot');
    expect(byId.get('accept')?.confirm?.text.text).toContain('irreversible');
    expect(byId.get('edit')?.confirm).toBeUndefined();
    // Buttons that send the draft carry the version shown; the others only the case.
    for (const id of ['approve', 'auto']) expect(byId.get(id)?.value).toBe('42:1');
    for (const id of ['edit', 'accept']) expect(byId.get(id)?.value).toBe('42');
  });

  it('every block id carries the case and message version, and a new version gets new ids', () => {
    const first = caseMessage(caseViewFixture(), NOW);
    const second = caseMessage(caseViewFixture({ slack: { channel: 'C1', ts: '1.000100', version: 1 } }), NOW);
    const firstIds = blocksOf(first).map((block) => block.block_id);
    const secondIds = blocksOf(second).map((block) => block.block_id);
    for (const id of firstIds) expect(id).toMatch(/^case_42_v1_/);
    for (const id of secondIds) expect(id).toMatch(/^case_42_v2_/);
  });

  it('after an approval the buttons are gone and the message says who submitted and when', () => {
    const at = new Date('2026-03-02T11:00:00Z');
    const message = caseMessage(
      caseViewFixture({
        state: 'submitted',
        handledBy: 'approved',
        submission: { trigger: 'approve', actor: 'slack:U0ALICE001', at },
      }),
      NOW,
    );
    expect(buttons(message)).toEqual([]);
    expect(allText(message)).toContain(`Submitted to Stripe by <@U0ALICE001> <!date^${at.getTime() / 1000}^`);
    expect(message.text).toContain('submitted by <@U0ALICE001>');
  });

  it('autopilot and timer submissions say so', () => {
    const at = new Date('2026-03-02T11:00:00Z');
    const autopilot = caseMessage(
      caseViewFixture({ state: 'submitted', submission: { trigger: 'autopilot', actor: 'autopilot', at } }),
      NOW,
    );
    expect(allText(autopilot)).toContain('Submitted to Stripe by autopilot');
    const timer = caseMessage(
      caseViewFixture({ state: 'submitted', submission: { trigger: 'timer', actor: 'timer', at } }),
      NOW,
    );
    expect(allText(timer)).toContain('nobody decided within the review window');
  });

  it('won, lost, expired and accepted cases say what happened, with no buttons', () => {
    const at = new Date('2026-03-02T11:00:00Z');
    const submission = { trigger: 'approve', actor: 'slack:U0ALICE001', at };
    expect(allText(caseMessage(caseViewFixture({ state: 'won', submission }), NOW))).toContain('*Won.*');
    expect(allText(caseMessage(caseViewFixture({ state: 'lost', submission }), NOW))).toContain('*Lost.*');
    const expired = caseMessage(
      caseViewFixture({ state: 'expired', problem: 'The deadline to respond has passed.' }),
      NOW,
    );
    expect(allText(expired)).toContain('The deadline to respond has passed.');
    const accepted = caseMessage(caseViewFixture({ state: 'accepted', handledBy: 'accepted' }), NOW, {
      acceptedBy: { actor: 'slack:U0BOB00001', at },
    });
    expect(allText(accepted)).toContain('Accepted by <@U0BOB00001>');
    for (const message of [expired, accepted]) expect(buttons(message)).toEqual([]);
  });

  it('a failed submission shows the problem and a Retry button', () => {
    const message = caseMessage(
      caseViewFixture({ state: 'failed', problem: 'Stripe refused or failed the submission: boom' }),
      NOW,
    );
    expect(allText(message)).toContain('Stripe refused or failed the submission: boom');
    expect(buttons(message).map((button) => button.action_id)).toContain(CASE_ACTIONS.retry);
  });

  it('a dispute submitted elsewhere says why rebut did not submit', () => {
    const message = caseMessage(
      caseViewFixture({
        state: 'submitted',
        problem: 'Evidence was already submitted for this dispute (for example from the Stripe Dashboard).',
      }),
      NOW,
    );
    expect(allText(message)).toContain('Not submitted by rebut. Evidence was already submitted');
  });

  it('grounding findings and the template fallback are shown next to the draft', () => {
    const message = caseMessage(
      caseViewFixture({
        draft: {
          author: 'slack:U0ALICE001',
          findings: ['"$5,000" is not an amount in the evidence'],
          fallbackReason: 'the model cited an unknown fact twice',
        },
      }),
      NOW,
    );
    const text = allText(message);
    expect(text).toContain('1 claim not backed by the evidence');
    expect(text).toContain('$5,000');
    expect(text).toContain('the model cited an unknown fact twice');
    expect(text).toContain('edited by <@U0ALICE001>');
  });

  it('a 20,000-character draft is cut to a preview with a note, and the message stays within Block Kit limits', () => {
    const message = caseMessage(caseViewFixture({ draft: { text: longRebuttal(MAX_REBUTTAL_CHARS) } }), NOW);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    const draft = blocksOf(message).find((block) => block.block_id?.endsWith('_draft'));
    expect(draft?.text?.text.length).toBeLessThanOrEqual(DRAFT_PREVIEW_CHARS);
    expect(allText(message)).toContain('Showing the first 2,800 of 20,000 characters');
    const characters = blocksOf(message).reduce((sum, block) => sum + JSON.stringify(block).length, 0);
    // Slack refuses messages whose blocks hold about 11,000–13,000 characters (bolt-js #2509, #2867).
    expect(characters).toBeLessThan(10_000);
  });

  it('long lists and hostile text stay within limits and cannot inject mentions or links', () => {
    const hostile = '<!channel> <https://evil.example|click> & more';
    const message = caseMessage(
      caseViewFixture({
        dispute: { customerName: hostile.repeat(20) },
        checklist: Array.from({ length: 300 }, (_, index) => ({ item: `${hostile} ${index}`, found: index % 2 === 0 })),
        missingSources: Array.from({ length: 50 }, () => ({ source: hostile, problem: hostile.repeat(10) })),
        droppedEvidence: Array.from({ length: 80 }, () => ({ what: hostile, why: hostile })),
        triage: {
          decision: hostile,
          reasons: Array(60).fill(hostile),
          gaps: [{ item: hostile.repeat(100), weight: 1 }],
        },
        draft: { findings: Array(200).fill(hostile), text: hostile },
      }),
      NOW,
    );
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    // Slack expands mentions and links in mrkdwn only; plain_text (header, draft) shows them as typed.
    const mrkdwn = JSON.stringify(mrkdwnTexts(message.blocks));
    expect(mrkdwn).not.toContain('<!channel>');
    expect(mrkdwn).not.toContain('<https://evil');
    expect(mrkdwn).toContain('&lt;!channel&gt;');
    expect(allText(message)).toContain('…and');
  });

  it('a typical case is untouched by the text budget: the full 2,800-character preview and no list cut short', () => {
    const text = longRebuttal(MAX_REBUTTAL_CHARS);
    const message = caseMessage(caseViewFixture({ draft: { text } }), NOW);
    expect(blockText(message, 'draft')).toBe(clip(text.trim(), DRAFT_PREVIEW_CHARS));
    expect(allText(message)).toContain('Showing the first 2,800 of 20,000 characters');
    expect(allText(message)).not.toContain('…and');
    expect(blockText(message, 'packet')).toBe(
      '*Left out of the packet*\n• Screenshot 7: over the 4.5 MB packet budget',
    );
  });

  it('a case with every list at its longest stays within the text budget, with its facts, buttons and draft preview', () => {
    const message = caseMessage(worstCase(), NOW);
    expect(CASE_MESSAGE_TEXT_BUDGET).toBeLessThan(MESSAGE_BLOCKS_TEXT_LIMIT);
    expect(messageBlocksTextLength(message.blocks)).toBeLessThanOrEqual(CASE_MESSAGE_TEXT_BUDGET);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(buttons(message).map((button) => button.action_id)).toEqual([
      CASE_ACTIONS.approve,
      CASE_ACTIONS.edit,
      CASE_ACTIONS.auto,
      CASE_ACTIONS.accept,
      CASE_ACTIONS.hold,
    ]);
    const text = allText(message);
    for (const fact of ['$49.00', 'Fraudulent', '*Respond by*', 'Jenny Rosen']) expect(text).toContain(fact);
    expect(blockText(message, 'header')).toContain('$49.00 · Fraudulent · Jenny Rosen');
    expect(blockText(message, 'draft')).toBe(clip(longRebuttal(MAX_REBUTTAL_CHARS).trim(), DRAFT_PREVIEW_CHARS));
    expect(text).toContain('Showing the first 2,800 of 20,000 characters. *Edit rebuttal* shows all of it');
    expect(blockText(message, 'packet')).toMatch(/\n…and \d+ more$/);
  });

  it('the dropped items give way first: the checklist, findings and triage stay as they are without them', () => {
    const message = caseMessage(worstCase(), NOW);
    const withoutDropped = caseMessage(worstCase({ droppedEvidence: [] }), NOW);
    expect(blockText(message, 'packet').length).toBeLessThan(1000);
    for (const part of ['evidence', 'findings', 'triage']) {
      expect(blockText(message, part)).toBe(blockText(withoutDropped, part));
    }
  });

  it('when the lists are not enough, the checklist, findings and triage give way too, each ending in "…and N more"', () => {
    const message = caseMessage(
      worstCase({
        checklist: Array.from({ length: 60 }, (_, index) => ({ item: prose(`Item ${index + 1}`, 120), found: false })),
        state: 'failed',
        problem: prose('Stripe refused the submission', 2500),
      }),
      NOW,
    );
    expect(messageBlocksTextLength(message.blocks)).toBeLessThanOrEqual(CASE_MESSAGE_TEXT_BUDGET);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    for (const part of ['packet', 'evidence', 'findings']) expect(blockText(message, part)).toMatch(/…and \d+ more/);
    expect(blockText(message, 'draft')).toBe(clip(longRebuttal(MAX_REBUTTAL_CHARS).trim(), DRAFT_PREVIEW_CHARS));
    expect(buttons(message).map((button) => button.action_id)).toEqual([
      CASE_ACTIONS.retry,
      CASE_ACTIONS.edit,
      CASE_ACTIONS.accept,
      CASE_ACTIONS.hold,
    ]);
  });

  it('the draft preview is shortened only when nothing else can give way, and the note says how much is shown', () => {
    // A dispute reason thousands of characters long is not something Stripe sends; it stands for text that never
    // shrinks (header, facts, buttons) taking up most of the budget.
    const message = caseMessage(
      worstCase({
        autopilot: true,
        dispute: { reason: 'made_up_reason_'.repeat(190), customerEmail: `${'j'.repeat(1800)}@example.com` },
        state: 'failed',
        problem: prose('Stripe refused the submission', 2500),
      }),
      NOW,
    );
    expect(messageBlocksTextLength(message.blocks)).toBeLessThanOrEqual(CASE_MESSAGE_TEXT_BUDGET);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    const preview = blockText(message, 'draft');
    expect(preview.length).toBeLessThan(DRAFT_PREVIEW_CHARS - 100);
    expect(preview).toMatch(/…$/);
    const note = allText(message).match(
      /Showing the first ([\d,]+) of 20,000 characters\. \*Edit rebuttal\* shows all of it/,
    );
    expect(Number(note?.[1]?.replaceAll(',', ''))).toBeGreaterThanOrEqual(preview.length);
    expect(buttons(message).map((button) => button.action_id)).toContain(CASE_ACTIONS.edit);
  });

  it('a case being prepared has no buttons', () => {
    const message = caseMessage(caseViewFixture({ state: 'drafting', draft: null }), NOW);
    expect(buttons(message)).toEqual([]);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
  });
});

describe('the edit modal', () => {
  it('a 20,000-character draft is split across inputs of at most 3,000 characters and joins back unchanged', () => {
    const text = longRebuttal(MAX_REBUTTAL_CHARS).trim();
    const modal = editModal(caseViewFixture({ draft: { text, version: 3 } }));
    expect(validateView(modal)).toEqual([]);
    const inputs = (modal.blocks as { type: string; block_id: string; element?: { initial_value?: string } }[]).filter(
      (block) => block.type === 'input',
    );
    expect(inputs.length).toBeGreaterThanOrEqual(Math.ceil(text.length / BLOCK_KIT_LIMITS.plainTextInputValue));
    const values = Object.fromEntries(
      inputs.map((block) => [
        block.block_id,
        { text: { type: 'plain_text_input', value: block.element?.initial_value ?? null } },
      ]),
    );
    const metadata = JSON.parse(modal.private_metadata ?? '{}') as { caseId: number; draftVersion: number; joins: [] };
    expect(metadata.caseId).toBe(42);
    expect(metadata.draftVersion).toBe(3);
    expect(editedText(values, metadata.joins)).toBe(text);
  });

  it('a short draft gets one input with the text and a spare one for more', () => {
    const modal = editModal(caseViewFixture());
    const inputs = (modal.blocks as { type: string }[]).filter((block) => block.type === 'input');
    expect(inputs).toHaveLength(2);
    expect(validateView(modal)).toEqual([]);
  });

  it('splitting cuts at paragraph breaks, then lines, then spaces, and hard-cuts text without any', () => {
    const paragraphs = `${'a'.repeat(2000)}\n\n${'b'.repeat(2000)}`;
    expect(splitForInputs(paragraphs).parts).toEqual(['a'.repeat(2000), 'b'.repeat(2000)]);
    const words = `${'word '.repeat(1000)}`.trim();
    const split = splitForInputs(words);
    expect(split.joins).toEqual([' ']);
    expect(split.parts.join(' ')).toBe(words);
    const solid = 'x'.repeat(7000);
    const hard = splitForInputs(solid);
    expect(hard.parts.map((part) => part.length)).toEqual([3000, 3000, 1000]);
    expect(hard.parts.join('')).toBe(solid);
  });

  it('text added in a new input is joined after a blank line', () => {
    const values = {
      rebuttal_0: { text: { type: 'plain_text_input', value: 'First part.' } },
      rebuttal_1: { text: { type: 'plain_text_input', value: 'Added later.' } },
    };
    expect(editedText(values, [])).toBe('First part.\n\nAdded later.');
  });
});

describe('formatting', () => {
  it('amounts follow the currency: two decimals, zero-decimal and three-decimal currencies', () => {
    expect(formatAmount(4900, 'usd')).toBe('$49.00');
    expect(formatAmount(5000, 'jpy')).toBe('¥5,000');
    expect(formatAmount(12345, 'kwd')).toBe('KWD 12.345');
    expect(formatAmount(199, 'eur')).toBe('€1.99');
  });

  it('relative times read naturally', () => {
    expect(relativeTime(new Date(NOW.getTime() + 5 * 3_600_000), NOW)).toBe('in 5 hours');
    expect(relativeTime(new Date(NOW.getTime() - 3 * 86_400_000), NOW)).toBe('3 days ago');
    expect(relativeTime(new Date(NOW.getTime() + 40 * 60_000), NOW)).toBe('in 40 minutes');
  });

  it('escaped text never splits an entity when cut', () => {
    expect(fitMrkdwn('a&b&c', 7)).toBe('a&amp;…');
    expect(fitMrkdwn('a&b&c', 8)).toBe('a&amp;b…');
    expect(fitMrkdwn('<>', 100)).toBe('&lt;&gt;');
  });

  it('the text of blocks is every text at any depth, counted as the Slack stand-in counts it', () => {
    const blocks = [
      { type: 'header', block_id: 'not counted', text: { type: 'plain_text', text: 'abc' } },
      { type: 'section', fields: [{ type: 'mrkdwn', text: 'de' }], accessory: { type: 'image', image_url: 'x' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'f' }] },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'gh' },
            value: 'not counted',
            confirm: { title: { type: 'plain_text', text: 'i' }, text: { type: 'plain_text', text: 'j' } },
          },
        ],
      },
    ];
    expect(blocksTextLength(blocks)).toBe(10);
    const message = caseMessage(worstCase(), NOW);
    expect(blocksTextLength(message.blocks)).toBe(messageBlocksTextLength(message.blocks));
  });

  it('a bullet list that does not fit ends with how many were left out', () => {
    const list = bulletList(
      Array.from({ length: 100 }, (_, index) => `item ${index}`),
      100,
    );
    expect(list.length).toBeLessThanOrEqual(100);
    expect(list).toMatch(/…and \d+ more$/);
  });
});

describe('/disputes', () => {
  it('reads auto with and without on/off, show, sync, stats and help', () => {
    expect(parseDisputesCommand('')).toEqual({ kind: 'help' });
    expect(parseDisputesCommand('auto')).toEqual({ kind: 'auto-list' });
    expect(parseDisputesCommand('auto fraudulent')).toEqual({
      kind: 'auto-set',
      enabled: true,
      reason: 'fraudulent',
      conditions: DEFAULT_CONDITIONS,
    });
    expect(parseDisputesCommand('auto off Product_Not_Received')).toEqual({
      kind: 'auto-set',
      enabled: false,
      reason: 'product_not_received',
      conditions: DEFAULT_CONDITIONS,
    });
    expect(parseDisputesCommand('auto on duplicate max 100 usd')).toMatchObject({
      kind: 'auto-set',
      conditions: { currency: 'usd', maxAmount: 10_000 },
    });
    expect(parseDisputesCommand('auto on duplicate max 100').kind).toBe('invalid');
    expect(parseDisputesCommand('auto on nonsense').kind).toBe('invalid');
    expect(parseDisputesCommand('show dp_123')).toEqual({ kind: 'show', disputeId: 'dp_123' });
    expect(parseDisputesCommand('sync 2026-01-01')).toEqual({ kind: 'sync', since: new Date('2026-01-01T00:00:00Z') });
    expect(parseDisputesCommand('sync')).toEqual({ kind: 'sync' });
    // A product first (its id never starts with a digit), then the date.
    expect(parseDisputesCommand('sync Photos')).toEqual({ kind: 'sync', product: 'photos' });
    expect(parseDisputesCommand('sync photos 2026-01-01')).toEqual({
      kind: 'sync',
      product: 'photos',
      since: new Date('2026-01-01T00:00:00Z'),
    });
    expect(parseDisputesCommand('sync photos someday').kind).toBe('invalid');
    expect(parseDisputesCommand('sync 2999-01-01').kind).toBe('invalid');
    // Not a day at all: Date alone would read it as 2 March.
    expect(parseDisputesCommand('sync 2025-02-30').kind).toBe('invalid');
    expect(parseDisputesCommand('stats 30d')).toEqual({ kind: 'stats', window: '30d' });
    expect(parseDisputesCommand('stats')).toEqual({ kind: 'stats', window: '30d' });
    // A word that is not a period may be a product: which products there are, the database says.
    expect(parseDisputesCommand('stats photos 90d')).toEqual({ kind: 'stats', window: '90d', product: 'photos' });
    expect(parseDisputesCommand('stats ALL Photos')).toEqual({ kind: 'stats', window: 'all', product: 'photos' });
    expect(parseDisputesCommand('stats forever')).toEqual({ kind: 'stats', window: '30d', product: 'forever' });
    expect(parseDisputesCommand('stats 7d').kind).toBe('invalid');
    expect(parseDisputesCommand('stats photos jobs').kind).toBe('invalid');
    expect(parseDisputesCommand('frobnicate').kind).toBe('invalid');
  });
});

describe('manifest.yml', () => {
  it('declares /disputes with its usage hint, interactivity and the scopes rebut uses, all on /slack/events', async () => {
    const { readFile } = await import('node:fs/promises');
    const { parse } = await import('yaml');
    const manifest = parse(await readFile(new URL('../../manifest.yml', import.meta.url), 'utf8')) as {
      features: { slash_commands: { command: string; url: string; usage_hint: string }[] };
      oauth_config: { scopes: { bot: string[] } };
      settings: { interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
    };
    const [disputes] = manifest.features.slash_commands;
    expect(disputes?.command).toBe('/disputes');
    expect(disputes?.usage_hint).toBe(
      'help | sync [since] | stats [product] [30d|90d|all] | auto [on|off] <reason> | show <dispute id>',
    );
    expect(disputes?.url).toBe('https://rebut.example.com/slack/events');
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: 'https://rebut.example.com/slack/events',
    });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    // Exactly what rebut calls need (README → Slack set-up says why each); no chat:write.public, which would hide a
    // missing invitation until the files of a case fail.
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'channels:history',
      'chat:write',
      'commands',
      'files:write',
      'groups:history',
      'usergroups:read',
    ]);
  });
});
