import { access, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  renderRoomDesign,
  type SampleCustomer,
  sampleCustomerFor,
  seedBusiness,
} from '../../sandbox/business/index.js';
import { type CreateDisputeInput, type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { visaCe3FromFacts } from '../../src/evidence/ce3.js';
import { type EvidenceConfig, loadEvidenceConfig } from '../../src/evidence/config.js';
import { configuredSources, gatherEvidence } from '../../src/evidence/gather.js';
import { applyPlaybook } from '../../src/evidence/playbook/index.js';
import type { PlaybookTextField } from '../../src/evidence/playbook/plans.js';
import { triage } from '../../src/triage/index.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let sandbox: StripeSandbox;
let imagesDir: string;
let config: EvidenceConfig;
let customers = 0;

beforeAll(async () => {
  db = await freshDatabase();
  sandbox = await startStripeSandbox();
  imagesDir = await mkdtemp(join(tmpdir(), 'rebut-roomcraft-images-'));
  const example = loadEvidenceConfig(join(import.meta.dirname, '../../rebut.evidence.example.yml'));
  config = { ...example, images: { ...example.images, local_root: imagesDir } };
});
afterAll(async () => {
  await sandbox?.close();
  await db?.drop();
});

/** A Stripe dispute in the sandbox, the same customer's history in Roomcraft's database, and the evidence gathered for it. */
async function prepareCase(input: Omit<CreateDisputeInput, 'customer'>, customer: Partial<SampleCustomer> = {}) {
  customers += 1;
  const email = `customer${customers}@roomcraft-customers.example`;
  const name = `Ada Lovelace ${customers}`;
  const scenario = sandbox.createDispute({ silent: true, ...input, customer: { email, name } });
  await seedBusiness(db.pool, { customers: [sampleCustomerFor(scenario, customer)], imagesDir, seed: customers });
  const stripe = sandbox.stripe();
  const dispute = await stripe.disputes.retrieve(scenario.dispute.id, { expand: ['charge', 'payment_intent'] });
  const gathered = await gatherEvidence({ dispute, stripe, config, appDatabaseUrl: db.url }, configuredSources(config));
  expect(gathered.problems).toEqual([]);
  const playbook = applyPlaybook(dispute.reason, gathered.facts, config);
  return { scenario, dispute, gathered, playbook, email, name };
}

function expectFields(fields: Partial<Record<PlaybookTextField, string>>, expected: PlaybookTextField[]) {
  for (const field of expected) {
    expect(fields[field], `${field} is filled`).toEqual(expect.any(String));
    expect(fields[field]?.trim().length, `${field} is not empty`).toBeGreaterThan(0);
  }
}

describe('playbooks fill their fields from the sample business', () => {
  it('fraudulent: identity, purchase IP, post-payment activity, design images and Visa CE 3.0', async () => {
    const { scenario, dispute, gathered, playbook, email, name } = await prepareCase({
      reason: 'fraudulent',
      ip: '203.0.113.77',
      priorCharges: [{ daysAgo: 150 }, { daysAgo: 220 }],
      checks: { cvc: 'pass', postalCode: 'pass' },
    });
    expect(playbook.strategy).toBe('authorised_by_cardholder');
    expectFields(playbook.textFields, [
      'customer_name',
      'customer_email_address',
      'customer_purchase_ip',
      'billing_address',
      'access_activity_log',
      'product_description',
      'service_date',
    ]);
    expect(playbook.textFields).toMatchObject({
      customer_name: name,
      customer_email_address: email,
      customer_purchase_ip: '203.0.113.77',
      billing_address: expect.stringContaining('500 Market Street'),
      service_date: new Date(scenario.charge.created * 1000).toISOString().slice(0, 10),
    });
    expect(playbook.textFields.access_activity_log).toMatch(/login from IP 203\.0\.113\.77 device rc-web-/);
    expect(playbook.textFields.access_activity_log).toContain('generated a design');
    expect(playbook.textFields.product_description).toContain('Roomcraft is a web app');

    const documentation = playbook.fileFields.find((file) => file.field === 'service_documentation');
    expect(documentation?.artefactIds.length).toBeGreaterThan(0);
    for (const artefactId of documentation?.artefactIds ?? []) {
      const artefact = gathered.artefacts.find((candidate) => candidate.id === artefactId);
      expect(artefact?.kind).toBe('image');
      const file = join(imagesDir, artefact?.path ?? 'missing');
      await access(file);
      expect(await sharp(file).metadata()).toMatchObject({ format: 'png', width: 1024, height: 768 });
    }
    expect(playbook.fileFields.map((file) => file.field)).toEqual([
      'service_documentation',
      'receipt',
      'uncategorized_file',
    ]);

    const found = Object.fromEntries(playbook.checklist.map((item) => [item.id, item.found]));
    expect(found).toMatchObject({ visa_ce3: true, post_payment_activity: true, purchase_ip: true, card_checks: true });
    const ce3 = visaCe3FromFacts(dispute, gathered.facts, config.business.product_description);
    expect(ce3?.evidence.prior_undisputed_transactions).toHaveLength(2);
    expect(ce3?.matchedOn).toEqual(expect.arrayContaining(['customer_purchase_ip', 'customer_account_id']));
    expect(triage({ dispute, checklist: playbook.checklist, facts: gathered.facts }).decision).toBe('fight');
  });

  it('unrecognized: the purchase IP comes from the business checkout when Stripe has none', async () => {
    const { playbook } = await prepareCase({ reason: 'unrecognized' }, { ip: '198.51.100.23' });
    expect(playbook.strategy).toBe('authorised_by_cardholder');
    expectFields(playbook.textFields, [
      'customer_name',
      'customer_email_address',
      'customer_purchase_ip',
      'access_activity_log',
    ]);
    expect(playbook.textFields.customer_purchase_ip).toBe('198.51.100.23');
    expect(playbook.fieldFacts.customer_purchase_ip?.[0]).toMatch(/^sql\.activity\.\d+$/);
    expect(playbook.checklist.some((item) => item.id === 'visa_ce3')).toBe(false);
  });

  it('product_not_received: what was delivered, when it was used, and the conversation', async () => {
    const { playbook } = await prepareCase(
      { reason: 'product_not_received' },
      {
        messages: [
          { daysAgo: 6, direction: 'inbound', subject: 'Designs?', body: 'I paid but I cannot find my designs.' },
          {
            daysAgo: 5,
            direction: 'outbound',
            subject: 'Re: Designs?',
            body: 'They are under My Projects; here is the link.',
          },
        ],
      },
    );
    expect(playbook.strategy).toBe('delivered_and_used');
    expectFields(playbook.textFields, [
      'customer_name',
      'customer_email_address',
      'access_activity_log',
      'product_description',
      'service_date',
    ]);
    const communication = playbook.fileFields.find((file) => file.field === 'customer_communication');
    expect(communication?.factIds).toEqual(['sql.communication.1', 'sql.communication.2']);
    expect(
      playbook.fileFields.find((file) => file.field === 'service_documentation')?.artefactIds.length,
    ).toBeGreaterThan(0);
    expect(playbook.checklist.find((item) => item.id === 'deliverables')?.found).toBe(true);
  });

  it('product_unacceptable: the product as described, the refund policy shown at checkout and its acceptance', async () => {
    const { playbook } = await prepareCase({ reason: 'product_unacceptable' });
    expect(playbook.strategy).toBe('as_described');
    expectFields(playbook.textFields, [
      'product_description',
      'access_activity_log',
      'refund_policy_disclosure',
      'refund_refusal_explanation',
      'service_date',
    ]);
    expect(playbook.textFields.refund_policy_disclosure).toContain(
      'shown to the customer on the checkout page, through the terms link',
    );
    expect(playbook.textFields.refund_policy_disclosure).toMatch(
      /accepted the refund policy \(version 2025-01\) on .+ UTC on the checkout page from IP 203\.0\.113\.\d+\./,
    );
    expect(playbook.textFields.refund_refusal_explanation).toContain(
      'After the payment the customer kept using the service',
    );
    expect(playbook.fileFields.map((file) => file.field)).toEqual(
      expect.arrayContaining(['refund_policy', 'service_documentation']),
    );
  });

  it('subscription_canceled: the cancellation policy, no cancellation before the charge, and use after it', async () => {
    const { scenario, playbook } = await prepareCase({ reason: 'subscription_canceled', subscription: true });
    expect(playbook.strategy).toBe('not_cancelled_before_charge');
    expectFields(playbook.textFields, [
      'cancellation_policy_disclosure',
      'cancellation_rebuttal',
      'access_activity_log',
      'product_description',
      'service_date',
    ]);
    expect(playbook.textFields.cancellation_rebuttal).toContain(
      `Subscription ${scenario.subscription?.id} had no cancellation request before this charge`,
    );
    expect(playbook.textFields.cancellation_policy_disclosure).toContain(
      'shown to the customer on the checkout page, in the app, by email',
    );
    expect(playbook.textFields.service_date).toMatch(/^\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \(the billing period/);
    expect(playbook.checklist.find((item) => item.id === 'no_cancellation_before_charge')?.found).toBe(true);
    expect(playbook.fileFields[0]?.field).toBe('cancellation_policy');
  });

  it('credit_not_processed: refund and cancellation policies, the refusal, and the customer contact', async () => {
    const { playbook } = await prepareCase(
      { reason: 'credit_not_processed', subscription: true },
      { messages: [{ daysAgo: 4, direction: 'inbound', subject: 'Refund', body: 'Please refund my last month.' }] },
    );
    expect(playbook.strategy).toBe('no_credit_due');
    expectFields(playbook.textFields, [
      'refund_policy_disclosure',
      'refund_refusal_explanation',
      'cancellation_policy_disclosure',
      'cancellation_rebuttal',
      'access_activity_log',
      'product_description',
    ]);
    expect(playbook.textFields.refund_refusal_explanation).toContain('The customer contacted support on');
    expect(playbook.fileFields.map((file) => file.field)).toEqual(
      expect.arrayContaining(['refund_policy', 'cancellation_policy', 'customer_communication']),
    );
  });

  it('duplicate: the other charge and why the two are separate', async () => {
    const { scenario, playbook } = await prepareCase({
      reason: 'duplicate',
      subscription: true,
      priorCharges: [{ daysAgo: 30 }],
    });
    const other = scenario.priorCharges[0]?.id;
    expect(playbook.strategy).toBe('separate_charges');
    expectFields(playbook.textFields, [
      'duplicate_charge_id',
      'duplicate_charge_explanation',
      'product_description',
      'service_date',
    ]);
    expect(playbook.textFields.duplicate_charge_id).toBe(other);
    expect(playbook.textFields.duplicate_charge_explanation).toContain('are separate payments, made 30 days apart');
    expect(playbook.textFields.duplicate_charge_explanation).toMatch(/paid invoice \S+ for the period/);
    const documentation = playbook.fileFields.find((file) => file.field === 'duplicate_charge_documentation');
    expect(documentation?.factIds).toContain(`stripe.prior.${other}`);
    expect(playbook.checklist.find((item) => item.id === 'distinct_charge')?.found).toBe(true);
  });

  it('general: the service, its use and the receipt; a payment the bank could not collect keeps only the purchase', async () => {
    const { gathered, playbook } = await prepareCase({ reason: 'general' });
    expect(playbook.reason).toBe('general');
    expect(playbook.strategy).toBe('service_provided');
    expectFields(playbook.textFields, [
      'product_description',
      'access_activity_log',
      'service_date',
      'customer_email_address',
    ]);
    expect(playbook.fileFields.map((file) => file.field)).toEqual(
      expect.arrayContaining(['service_documentation', 'receipt', 'refund_policy']),
    );
    const other = applyPlaybook('insufficient_funds', gathered.facts, config);
    expect(other.reason).toBe('insufficient_funds');
    expect(other.strategy).toBe('pay_another_way');
    expect(Object.keys(other.textFields).sort()).toEqual(
      Object.keys(playbook.textFields)
        .filter((field) =>
          ['product_description', 'service_date', 'customer_name', 'customer_email_address'].includes(field),
        )
        .sort(),
    );
  });

  it('the sample business draws its design images locally, the same picture for the same seed', async () => {
    const [first, again, other] = await Promise.all([renderRoomDesign(7), renderRoomDesign(7), renderRoomDesign(8)]);
    expect(first.equals(again)).toBe(true);
    expect(first.equals(other)).toBe(false);
    const stats = await sharp(first).stats();
    // A real picture, not a blank canvas: the channels vary across the image.
    expect(stats.channels.slice(0, 3).every((channel) => channel.stdev > 10)).toBe(true);
  });
});
