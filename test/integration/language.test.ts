// The language of the reader: with REBUT_LANGUAGE=auto, a card issued in France gets its rebuttal in French, one issued
// in the US in English; the Slack case stays in English and says which language the bank will read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import type { StripeSandbox } from '../../sandbox/stripe/index.js';
import { disputePostedInSlack } from '../support/cases.js';
import type { TestDatabase } from '../support/db.js';
import { pdfText } from '../support/pdf-text.js';
import { caseMessagesIn, type SlackWorld, startSlackWorld } from '../support/slack.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;

let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld({ REBUT_LANGUAGE: 'auto' }, { webhook: true });
  ({ db, stripe, slack } = world);
});
afterAll(() => world?.stop());

/** A dispute on a card issued in `country`, through the webhook to a posted case. */
async function disputeOnCardFrom(country: string) {
  const { disputeId, caseId } = await disputePostedInSlack(stripe, db.pool, {
    reason: 'fraudulent',
    cardCountry: country,
  });
  const { rows } = await db.pool.query<{ text: string; grounding: { ok: boolean; language?: string } }>(
    'SELECT text, grounding FROM drafts WHERE case_id = $1 ORDER BY version',
    [caseId],
  );
  const evidence = stripe.dispute(disputeId).evidence;
  const documentation = typeof evidence.service_documentation === 'string' ? evidence.service_documentation : null;
  return {
    draft: rows[0],
    staged: evidence.uncategorized_text ?? '',
    fields: evidence,
    serviceDocumentation: pdfText(stripe.fileContents(documentation ?? '') ?? Buffer.alloc(0)).join('\n'),
    message: JSON.stringify(caseMessagesIn(slack, caseId)[0]?.blocks ?? []),
  };
}

describe('REBUT_LANGUAGE=auto', () => {
  it('a card issued in France: the rebuttal staged on Stripe is in French, grounded; Slack says so in English', async () => {
    const { draft, staged, message, serviceDocumentation, fields } = await disputeOnCardFrom('FR');
    expect(draft?.grounding).toMatchObject({ ok: true, language: 'fr' });
    expect(staged).toBe(draft?.text);
    expect(staged).toMatch(/conteste le litige du_\w+ portant sur le paiement ch_\w+ de 49,00 \$US\./);
    expect(staged).toContain('Le titulaire de la carte déclare ne pas avoir autorisé ce paiement.');
    expect(staged).not.toContain('asks that this dispute be decided in its favour');
    expect(message).toContain('*Rebuttal* (in French, version 1');
    expect(message).toContain('Triage recommends');
    // The service documentation staged with it is in French too.
    expect(serviceDocumentation).toContain('Justificatifs pour le litige');
    expect(serviceDocumentation).toContain('Le litige');
    expect(serviceDocumentation).not.toContain('Evidence for dispute');
    // The rebuttal opens as page 1 does, in French: the strongest points, each at its page of the French file.
    expect(serviceDocumentation).toContain('Notre réponse');
    expect(staged).toContain('\n\nLes éléments les plus probants :\n- ');
    expect(staged).toMatch(/\(documentation du service, pages? \d+(?:–\d+)?\)\./);
    expect(staged).not.toContain('The strongest evidence');
    // Stripe's records are stated in French too, from the same values: the bank reads no English sentence.
    // On its timeline line, which opens with the time: the sentence does not say it again.
    expect(staged).toMatch(/ à \d{2}:\d{2} UTC : Paiement ch_\w+ de 49,00 USD réussi(?! le \d)/);
    expect(staged).toContain('Vérification du CVC : résultat concordant (la personne qui a payé a saisi le bon code');
    expect(serviceDocumentation).toMatch(/Litige du_\w+ : une\s+rétrofacturation portant sur 49,00 USD/);
    expect(serviceDocumentation).toMatch(/Le client Stripe cus_\w+\s+\(jenny\.rosen@example\.com\) est client depuis/);
    for (const english of [
      /Charge ch_/,
      /CVC check/,
      /Stripe Radar rated/,
      /Payment intent/,
      /a customer since/,
      /Dispute du_/,
    ]) {
      expect(staged).not.toMatch(english);
      expect(serviceDocumentation).not.toMatch(english);
    }
    // Stripe's text evidence fields staged with it are rebut's sentences in French, the business's words as they are.
    expect(fields.product_description).toContain('Le paiement portait sur : Pro plan.');
    expect(fields.product_description).not.toContain('The payment was for');
  });

  it('a card issued in the US: English, as without the setting', async () => {
    const { draft, staged, message, serviceDocumentation, fields } = await disputeOnCardFrom('US');
    expect(draft?.grounding).toMatchObject({ ok: true, language: 'en' });
    expect(staged).toMatch(/contests dispute du_\w+ on charge ch_\w+ for \$49\.00\./);
    expect(message).toContain('*Rebuttal* (version 1');
    expect(serviceDocumentation).toContain('Evidence for dispute');
    expect(staged).toContain('CVC check: pass (the person paying entered the correct security code).');
    expect(serviceDocumentation).toMatch(/Charge ch_\w+\s+of\s+49\.00\s+USD\s+succeeded/);
    expect(fields.product_description).toContain('The payment was for: Pro plan.');
  });
});
