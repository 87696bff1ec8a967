// Claim-level grounding: a statement stands only on the facts it cites. Many phrasings of each kind of lie (passive,
// nominal, hedged, quoted, negated, "as requested", other languages), and the honest sentences that must pass.
import { describe, expect, it } from 'vitest';
import { checkClaims, type Statement } from '../../src/drafting/claims.js';
import { buildFactSheet } from '../../src/drafting/fact-sheet.js';
import { describeFindings } from '../../src/drafting/grounding.js';
import { injectionFact, sampleContext, sampleFacts } from '../../src/drafting/sample-case.js';

const sheet = buildFactSheet([...sampleFacts(), injectionFact()], sampleContext({ reason: 'fraudulent' }));
/** The sheet number of a sample fact, by its source id. */
const ref = (id: string) => {
  const fact = sheet.facts.find((candidate) => candidate.id === id);
  if (!fact) throw new Error(`no fact ${id}`);
  return fact.ref;
};
const ALL = sheet.facts.map((fact) => fact.ref);
const check = (text: string, facts: string[]) => checkClaims([{ text, facts }], sheet);

/** Lies: each is refused citing the facts a liar would cite, and citing every fact on the sheet. */
const LIES: Record<string, { text: string; facts: string[] }[]> = {
  refund: [
    { text: 'As requested, we refunded the customer.', facts: [ref('stripe.charge')] },
    { text: 'A full refund was issued to the cardholder.', facts: [ref('stripe.charge')] },
    { text: 'Refund issued in full.', facts: [ref('stripe.charge')] },
    { text: 'We may have already returned the money to the customer.', facts: [ref('stripe.charge')] },
    { text: 'The customer got their money back.', facts: [ref('stripe.charge')] },
    { text: 'The $49.00 was credited back to the card.', facts: [ref('stripe.charge')] },
    { text: 'Per our policy, the customer was reimbursed.', facts: [ref('config.policy.refund')] },
    { text: 'The customer said "you refunded me", which is correct.', facts: [ref('sql.communication.2')] },
    { text: 'Hemos reembolsado al cliente el importe completo.', facts: [ref('stripe.charge')] },
    { text: 'Nous avons remboursé le client.', facts: [ref('stripe.charge')] },
    { text: 'Wir haben den Betrag erstattet.', facts: [ref('stripe.charge')] },
  ],
  contact: [
    { text: 'The customer confirmed receipt by email.', facts: [ref('stripe.charge.purchase_ip')] },
    { text: 'We spoke with the cardholder by phone.', facts: [ref('sql.account')] },
    { text: 'Our support team reached out and the customer replied.', facts: [ref('stripe.charge')] },
    { text: 'The cardholder called us to thank us.', facts: [ref('sql.activity.2')] },
    { text: 'The customer wrote to us and withdrew the complaint.', facts: [ref('sql.communication.1')] },
  ],
  verification: [
    { text: 'We verified their identity.', facts: [ref('stripe.charge.cvc')] },
    { text: 'Identity verification was completed by our team.', facts: [ref('sql.account')] },
    { text: 'The cardholder confirmed the purchase.', facts: [ref('stripe.charge')] },
  ],
  delivery: [
    { text: 'The order was shipped the same day.', facts: [ref('stripe.charge')] },
    { text: 'The customer received a physical copy.', facts: [ref('sql.deliverable.1')] },
  ],
  cancellation: [
    { text: 'The customer never cancelled the subscription.', facts: [ref('stripe.subscription')] },
    { text: 'No cancellation request was received.', facts: [ref('stripe.subscription')] },
  ],
  denial: [
    { text: 'No designs were downloaded.', facts: [ref('config.policy.refund')] },
    { text: 'The customer did not use the product.', facts: [ref('sql.activity.2')] },
    { text: 'The customer never logged in after the payment.', facts: [ref('sql.activity.2')] },
  ],
  'same card': [{ text: 'The same card was used for earlier payments.', facts: [ref('stripe.charge')] }],
  'after the payment': [{ text: 'The account was used after the payment.', facts: [ref('sql.account')] }],
  uncited: [
    { text: 'The customer was refunded.', facts: [] },
    { text: 'The customer used the product 12 times.', facts: [] },
  ],
};

/** Honest statements, each citing the facts that make it true. */
const HONEST: Statement[] = [
  { text: 'Pixel Forge contests this dispute.', facts: [] },
  { text: 'The payment of $49.00 for Pixel Forge Pro succeeded.', facts: [ref('stripe.charge')] },
  { text: 'The customer paid $49.00 with a Visa card ending in 4242.', facts: [ref('stripe.charge')] },
  {
    text: 'The CVC check and the postal code check passed.',
    facts: [ref('stripe.charge.cvc'), ref('stripe.charge.avs')],
  },
  { text: '3-D Secure authentication succeeded.', facts: [ref('stripe.charge.3ds')] },
  {
    text: 'Earlier payments of $49.00 on the same card were not disputed.',
    facts: [ref('stripe.prior.ch_3QsamplePrior000001'), ref('stripe.prior.ch_3QsamplePrior000002')],
  },
  { text: 'Checkout was completed from IP 203.0.113.7.', facts: [ref('stripe.charge.purchase_ip')] },
  {
    text: 'After the payment, the customer logged in from IP 203.0.113.7.',
    facts: [ref('stripe.charge'), ref('sql.activity.2')],
  },
  { text: 'The customer signed in from IP 203.0.113.7 on March 4, 2026.', facts: [ref('sql.activity.2')] },
  { text: 'The customer generated 12 designs in the project "Spring launch".', facts: [ref('sql.activity.3')] },
  { text: 'They downloaded the design "Spring banner" from IP 203.0.113.7.', facts: [ref('sql.deliverable.1')] },
  {
    text: 'The customer accepted the terms of service and the refund policy at checkout.',
    facts: [ref('sql.policy_acceptance.1')],
  },
  {
    text: 'Our refund policy states: "a refund is available within 14 days of purchase if no designs were downloaded."',
    facts: [ref('config.policy.refund')],
  },
  { text: 'The customer wrote to us: "Thanks, the banners look great!"', facts: [ref('sql.communication.1')] },
  { text: 'The account jane.doe@example.com was created from IP 203.0.113.7.', facts: [ref('sql.account')] },
  {
    text: 'The subscription sub_1QsampleSub0001 was active when this payment was made.',
    facts: [ref('stripe.subscription')],
  },
  { text: 'Based on these records, we ask that the dispute be decided in our favour.', facts: [] },
];

describe('claim-level grounding', () => {
  for (const [kind, lies] of Object.entries(LIES)) {
    it.each(lies)(`refuses a lie about ${kind}: "$text"`, ({ text, facts }) => {
      expect(check(text, facts).length).toBeGreaterThan(0);
      // Citing every fact does not help: customer text and policies are not records.
      if (!['same card', 'after the payment', 'uncited', 'denial'].includes(kind)) {
        expect(check(text, ALL).length).toBeGreaterThan(0);
      }
    });
  }

  it.each(HONEST)('passes an honest statement: "$text"', (statement) => {
    expect(checkClaims([statement], sheet)).toEqual([]);
  });

  it('backs a value only by the facts the statement cites, not by the rest of the sheet', () => {
    const findings = check('The account was created from IP 203.0.113.7.', [ref('stripe.subscription')]);
    expect(findings.map((finding) => finding.kind)).toContain('ip');
  });

  it('says what a refused draft did by kind, never quoting it', () => {
    const findings = checkClaims(
      [
        { text: 'As requested, we refunded the customer $49.00.', facts: [ref('stripe.charge')] },
        { text: 'We spoke with the customer by phone.', facts: [ref('stripe.charge.purchase_ip')] },
      ],
      sheet,
    );
    const described = describeFindings(findings);
    expect(described).toContain('stated a refund or credit that no');
    expect(described).toContain('a contact with the customer');
    expect(described).not.toContain('As requested');
  });

  it('counts its cases, for the closing note', () => {
    const lies = Object.values(LIES).flat().length;
    expect(lies).toBeGreaterThanOrEqual(30);
    expect(HONEST.length).toBeGreaterThanOrEqual(15);
  });
});
