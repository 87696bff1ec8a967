// The reader's language with a model drafting (the OpenAI stand-in through the official SDK): a card issued in France
// gets the model's rebuttal in French, held word by word to the facts as the bank reads them, in French; a model that
// slips an English claim no fact makes into it is refused, and the template's French draft goes instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAiSandbox } from '../../sandbox/openai/index.js';
import { INVENTED } from '../../sandbox/openai/writer.js';
import type { StripeSandbox } from '../../sandbox/stripe/index.js';
import { disputePostedInSlack } from '../support/cases.js';
import type { TestDatabase } from '../support/db.js';
import { type SlackWorld, startSlackWorld } from '../support/slack.js';

let world: SlackWorld;
let db: TestDatabase;
let stripe: StripeSandbox;
let openai: OpenAiSandbox;

beforeAll(async () => {
  world = await startSlackWorld({ REBUT_LANGUAGE: 'auto' }, { webhook: true, openai: true });
  ({ db, stripe } = world);
  if (!world.openai) throw new Error('the OpenAI stand-in did not start');
  openai = world.openai;
});
afterAll(() => world?.stop());

async function frenchCase() {
  const { disputeId, caseId } = await disputePostedInSlack(stripe, db.pool, {
    reason: 'fraudulent',
    cardCountry: 'FR',
  });
  const { rows } = await db.pool.query<{
    author: string;
    text: string;
    grounding: { ok: boolean; language?: string; fallbackReason: string | null };
  }>('SELECT author, text, grounding FROM drafts WHERE case_id = $1 ORDER BY version', [caseId]);
  return { draft: rows[0], staged: stripe.dispute(disputeId).evidence.uncategorized_text ?? '' };
}

describe('a model drafting in French', () => {
  it('writes from the French facts, passes the word-by-word check, and that is what Stripe holds', async () => {
    openai.behave('normal');
    const { draft, staged } = await frenchCase();
    expect(draft?.author).toMatch(/^llm:/);
    expect(draft?.grounding).toMatchObject({ ok: true, language: 'fr', fallbackReason: null });
    expect(staged).toBe(draft?.text);
    expect(staged).toMatch(/conteste le litige du_\w+ sur le paiement ch_\w+/);
    expect(staged).toContain('Vérification du CVC : résultat concordant');
    expect(staged).toContain('nous demandons une décision en notre faveur');
    for (const english of [/Charge ch_/, /CVC check/, /Based on these records/, / contests dispute /]) {
      expect(staged).not.toMatch(english);
    }
  });

  it('an English claim no fact makes, slipped into the French rebuttal, is refused: the French template goes', async () => {
    openai.behave('invent_contact');
    const { draft, staged } = await frenchCase();
    expect(draft?.author).toBe('template');
    // "confirmed … by email": a confirmation (and a contact) that no cited fact records.
    expect(draft?.grounding.fallbackReason).toMatch(/stated a (verification|contact)/);
    expect(staged).not.toContain(INVENTED.contact);
    expect(staged).toContain('conteste le litige');
  });
});
