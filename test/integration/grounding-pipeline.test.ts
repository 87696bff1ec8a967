// What reaches the bank is true, through the whole pipeline: a model that states a refund or a contact no fact
// records is refused, and neither Stripe's staged evidence nor the Slack message carries its words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAiSandbox, startOpenAiSandbox } from '../../sandbox/openai/index.js';
import { INVENTED } from '../../sandbox/openai/writer.js';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { disputePostedInSlack } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { caseMessagesIn, command, startSlackApp, startSlackSandboxForTests, type TestApp } from '../support/slack.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let openai: OpenAiSandbox;
let app: TestApp;

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandboxForTests();
  openai = await startOpenAiSandbox();
  app = await startSlackApp(db, stripe, slack, { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url });
  stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
});
afterAll(async () => {
  await app.stop();
  await openai.close();
  await slack.close();
  await stripe.close();
  await db.drop();
});

/** A dispute through the webhook to a posted case; its draft, staged text and Slack message. */
async function throughThePipeline() {
  const { disputeId, caseId } = await disputePostedInSlack(stripe, db.pool, { reason: 'fraudulent' });
  const { rows } = await db.pool.query<{
    author: string;
    text: string;
    grounding: {
      fallbackReason: string | null;
      attempts: { author: string; outcome: string; usage: { totalTokens: number } | null }[];
    };
  }>('SELECT author, text, grounding FROM drafts WHERE case_id = $1 ORDER BY version', [caseId]);
  return {
    disputeId,
    drafts: rows,
    staged: stripe.dispute(disputeId).evidence.uncategorized_text ?? '',
    message: JSON.stringify(caseMessagesIn(slack, caseId)[0]?.blocks ?? []),
  };
}

describe('the model’s claims, checked against its own facts', () => {
  it('"As requested, we refunded the customer." beside a good draft: refused, the template is used, no refund anywhere', async () => {
    openai.behave('refund_as_requested');
    const { drafts, staged, message, disputeId } = await throughThePipeline();
    expect(drafts).toHaveLength(1);
    expect(drafts[0]?.author).toBe('template');
    expect(drafts[0]?.grounding.fallbackReason).toContain('stated a refund or credit that no');
    for (const text of [drafts[0]?.text ?? '', staged, message]) {
      expect(text).not.toContain(INVENTED.refundAsRequested);
      expect(text).not.toMatch(/we refunded/i);
    }
    expect(message).toContain('stated a refund or credit that no');
    // The refused draft is there on request only, struck through and marked as refused.
    const response = await command(app, slack, `show ${disputeId}`);
    expect(JSON.stringify(((await response.json()) as { blocks: unknown[] }).blocks)).not.toContain('As requested');
    const refusedShown = await waitFor(
      async () => slack.responses.find((answer) => answer.text?.startsWith('Refused drafts')),
      { what: 'the refused drafts, on request' },
    );
    const shown = JSON.stringify(refusedShown.blocks);
    expect(shown).toContain('not sent to Stripe, and not a fact');
    expect(shown).toContain('As requested, we refunded the customer.');
    expect(shown).toContain('"> ~');
    // The refused attempts' tokens are on record too: they were paid for.
    const refused = drafts[0]?.grounding.attempts.filter((attempt) => attempt.outcome === 'rejected') ?? [];
    expect(refused).toHaveLength(2);
    for (const attempt of refused) expect(attempt.usage?.totalTokens).toBeGreaterThan(0);
  });

  it('a contact with the customer that no fact records: refused', async () => {
    openai.behave('invent_contact');
    const { drafts, staged, message } = await throughThePipeline();
    expect(drafts[0]?.author).toBe('template');
    expect(drafts[0]?.grounding.fallbackReason).toContain('no cited fact records');
    for (const text of [drafts[0]?.text ?? '', staged, message]) expect(text).not.toContain(INVENTED.contact);
  });

  it('a grounded answer is accepted, statement by statement', async () => {
    openai.behave('normal');
    const { drafts, staged } = await throughThePipeline();
    expect(drafts[0]?.author).toMatch(/^llm:/);
    expect(staged).toBe(drafts[0]?.text);
  });
});
