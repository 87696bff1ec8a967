import PDFDocument from 'pdfkit';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_LIMITS, type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';

let sandbox: StripeSandbox;
let stripe: Stripe;

beforeAll(async () => {
  sandbox = await startStripeSandbox();
  stripe = sandbox.stripe();
});
afterAll(async () => {
  await sandbox.close();
});

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the Stripe call to fail');
}

/** A real multi-page PDF as rebut's evidence builder makes them (pdfkit). */
async function pdf(pages: number): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER' });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  for (let page = 0; page < pages; page++) {
    if (page > 0) doc.addPage();
    doc.fontSize(14).text(`Evidence page ${page + 1}`);
  }
  doc.end();
  return done;
}

/** A one-page PDF padded to `bytes` (a comment block, still a valid PDF header). */
function paddedPdf(bytes: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%');
  return Buffer.concat([head, Buffer.alloc(bytes - head.length, 0x20)]);
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);

async function upload(
  data: Buffer,
  name = 'evidence.pdf',
  purpose: Stripe.FileCreateParams.Purpose = 'dispute_evidence',
) {
  return stripe.files.create({ purpose, file: { data, name, type: 'application/octet-stream' } });
}

describe('file uploads', () => {
  it('go to the sandbox through the SDK and are typed by their content, not their name', async () => {
    const png = await upload(PNG, 'looks-like.pdf');
    expect(png).toMatchObject({ object: 'file', purpose: 'dispute_evidence', type: 'png', size: PNG.length });
    expect(png.id).toMatch(/^file_/);
    expect((await upload(JPEG, 'photo.png')).type).toBe('jpg');
    const document = await upload(await pdf(3), 'timeline.bin');
    expect(document.type).toBe('pdf');
    expect((await stripe.files.retrieve(document.id)).size).toBe(document.size);
    expect(sandbox.requests.some((request) => request.method === 'POST' && request.path === '/v1/files')).toBe(true);
    expect(sandbox.fileContents(document.id)?.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('rejects content that is not PDF, JPEG or PNG, files over 5 MB and PDFs of 50 pages', async () => {
    const text = await rejection(upload(Buffer.from('just some text'), 'evidence.pdf'));
    expect(text).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(text.param).toBe('file');
    const big = await rejection(upload(paddedPdf(EVIDENCE_LIMITS.fileBytes + 1)));
    expect(big.message).toContain('5 MB');
    const long = await rejection(upload(await pdf(50)));
    expect(long.message).toContain('fewer than 50 pages');
  });
});

describe('evidence rules', () => {
  it('rejects an evidence field Stripe does not have', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent' });
    const error = await rejection(
      stripe.disputes.update(dispute.id, {
        evidence: { rebuttal: 'no such field' } as Stripe.DisputeUpdateParams.Evidence,
        submit: false,
      }),
    );
    expect(error.code).toBe('parameter_unknown');
    expect(error.param).toBe('evidence[rebuttal]');
  });

  it('holds long fields to 20,000 characters, short ones to 5,000 and all text to 150,000', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent' });
    const long = await rejection(
      stripe.disputes.update(dispute.id, { evidence: { access_activity_log: 'x'.repeat(20_001) }, submit: false }),
    );
    expect(long.param).toBe('evidence[access_activity_log]');
    const short = await rejection(
      stripe.disputes.update(dispute.id, { evidence: { customer_name: 'x'.repeat(5_001) }, submit: false }),
    );
    expect(short.param).toBe('evidence[customer_name]');
    const fits = await stripe.disputes.update(dispute.id, {
      evidence: { access_activity_log: 'x'.repeat(20_000), customer_name: 'y'.repeat(5_000) },
      submit: false,
    });
    expect(fits.evidence.access_activity_log).toHaveLength(20_000);
    const nineteen = 'z'.repeat(19_000);
    const total = await rejection(
      stripe.disputes.update(dispute.id, {
        evidence: {
          cancellation_policy_disclosure: nineteen,
          cancellation_rebuttal: nineteen,
          duplicate_charge_explanation: nineteen,
          product_description: nineteen,
          refund_policy_disclosure: nineteen,
          refund_refusal_explanation: nineteen,
          uncategorized_text: nineteen,
        },
        submit: false,
      }),
    );
    expect(total.message).toContain('150000');
  });

  it('needs uploaded dispute_evidence files in file fields', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent' });
    const unknown = await rejection(
      stripe.disputes.update(dispute.id, { evidence: { receipt: 'file_nope' }, submit: false }),
    );
    expect(unknown.param).toBe('evidence[receipt]');
    expect(unknown.code).toBe('resource_missing');
    const identity = await upload(PNG, 'id.png', 'identity_document');
    const wrongPurpose = await rejection(
      stripe.disputes.update(dispute.id, { evidence: { receipt: identity.id }, submit: false }),
    );
    expect(wrongPurpose.message).toContain("purpose 'dispute_evidence'");
  });

  it('refuses the same file on two fields, even across updates', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent' });
    const file = await upload(await pdf(1));
    const same = await rejection(
      stripe.disputes.update(dispute.id, {
        evidence: { receipt: file.id, uncategorized_file: file.id },
        submit: false,
      }),
    );
    expect(same.statusCode).toBe(400);
    expect(same.param).toBe('evidence[uncategorized_file]');
    await stripe.disputes.update(dispute.id, { evidence: { receipt: file.id }, submit: false });
    const later = await rejection(
      stripe.disputes.update(dispute.id, { evidence: { service_documentation: file.id }, submit: false }),
    );
    expect(later.message).toContain('own file');
  });

  it('refuses evidence files over 4.5 MB together', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent' });
    const a = await upload(paddedPdf(2_400_000));
    const b = await upload(paddedPdf(2_400_000));
    const error = await rejection(
      stripe.disputes.update(dispute.id, { evidence: { receipt: a.id, service_documentation: b.id }, submit: false }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('4.50 MB maximum');
    const c = await upload(paddedPdf(2_000_000));
    const ok = await stripe.disputes.update(dispute.id, {
      evidence: { receipt: a.id, service_documentation: c.id },
      submit: false,
    });
    expect(ok.evidence.receipt).toBe(a.id);
  });

  it('holds Mastercard disputes to 19 pages and others to 49', async () => {
    const twenty = await upload(await pdf(20));
    const mastercard = sandbox.createDispute({ reason: 'fraudulent', brand: 'mastercard' }).dispute;
    const error = await rejection(
      stripe.disputes.update(mastercard.id, { evidence: { service_documentation: twenty.id }, submit: false }),
    );
    expect(error.code).toBe('dispute_evidence_page_limit_exceeded');
    const visa = sandbox.createDispute({ reason: 'fraudulent', brand: 'visa' }).dispute;
    const staged = await stripe.disputes.update(visa.id, {
      evidence: { service_documentation: twenty.id },
      submit: false,
    });
    expect(staged.evidence.service_documentation).toBe(twenty.id);
    const thirty = await upload(await pdf(30));
    const over = await rejection(stripe.disputes.update(visa.id, { evidence: { receipt: thirty.id }, submit: false }));
    expect(over.code).toBe('dispute_evidence_page_limit_exceeded');
  });

  it('expands evidence files on retrieve', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent' });
    const file = await upload(await pdf(2));
    await stripe.disputes.update(dispute.id, { evidence: { receipt: file.id }, submit: false });
    const expanded = await stripe.disputes.retrieve(dispute.id, { expand: ['evidence.receipt'] });
    expect(expanded.evidence.receipt).toMatchObject({ id: file.id, object: 'file', type: 'pdf' });
  });
});

describe('Visa Compelling Evidence 3.0', () => {
  const identifiers = {
    customer_purchase_ip: '203.0.113.7',
    customer_device_id: 'device-0123456789abc',
    customer_email_address: 'jenny.rosen@example.com',
    product_description: 'Pro plan, monthly',
  };

  it('fails the whole update on a dispute that is not CE 3.0 eligible', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'product_not_received' });
    expect(dispute.enhanced_eligibility_types).toEqual([]);
    const error = await rejection(
      stripe.disputes.update(dispute.id, {
        evidence: {
          uncategorized_text: 'must not be saved',
          enhanced_evidence: { visa_compelling_evidence_3: { disputed_transaction: identifiers } },
        },
        submit: false,
      }),
    );
    expect(error.param).toBe('evidence[enhanced_evidence][visa_compelling_evidence_3]');
    const after = await stripe.disputes.retrieve(dispute.id);
    expect(after.evidence.uncategorized_text).toBeNull();
    expect(after.evidence_details.has_evidence).toBe(false);
  });

  it('qualifies an eligible dispute once three transactions share two main identifiers', async () => {
    const scenario = sandbox.createDispute({
      reason: 'fraudulent',
      priorCharges: [{ daysAgo: 150 }, { daysAgo: 200 }],
    });
    expect(scenario.dispute.enhanced_eligibility_types).toEqual(['visa_compelling_evidence_3']);
    const [first, second] = scenario.priorCharges;
    const partial = await stripe.disputes.update(scenario.dispute.id, {
      evidence: {
        enhanced_evidence: {
          visa_compelling_evidence_3: {
            disputed_transaction: { ...identifiers, merchandise_or_services: 'services' },
            prior_undisputed_transactions: [{ charge: first?.id ?? '', ...identifiers }],
          },
        },
      },
      submit: false,
    });
    expect(partial.evidence_details.enhanced_eligibility.visa_compelling_evidence_3).toEqual({
      status: 'requires_action',
      required_actions: ['missing_customer_identifiers', 'missing_prior_undisputed_transactions'],
    });
    const full = await stripe.disputes.update(scenario.dispute.id, {
      evidence: {
        enhanced_evidence: {
          visa_compelling_evidence_3: {
            disputed_transaction: { ...identifiers, merchandise_or_services: 'services' },
            prior_undisputed_transactions: [
              { charge: first?.id ?? '', ...identifiers },
              { charge: second?.id ?? '', ...identifiers },
            ],
          },
        },
      },
      submit: false,
    });
    expect(full.evidence_details.enhanced_eligibility.visa_compelling_evidence_3?.status).toBe('qualified');
    expect(full.evidence.enhanced_evidence.visa_compelling_evidence_3?.prior_undisputed_transactions).toHaveLength(2);
  });
});

describe("Stripe's Smart Disputes", () => {
  it('answers an eligible dispute when asked to submit; refuses one it cannot answer, changing nothing', async () => {
    const ineligible = sandbox.createDispute({ reason: 'fraudulent', silent: true }).dispute.id;
    const error = await rejection(
      stripe.disputes.update(ineligible, { intended_submission_method: 'smart_disputes', submit: true }),
    );
    expect(error).toMatchObject({ statusCode: 400, code: 'smart_disputes_not_available' });
    expect(await stripe.disputes.retrieve(ineligible)).toMatchObject({
      status: 'needs_response',
      evidence_details: { submission_count: 0 },
    });

    const eligible = sandbox.createDispute({ reason: 'fraudulent', silent: true, smartDisputesEligible: true }).dispute
      .id;
    const answered = await stripe.disputes.update(eligible, {
      intended_submission_method: 'smart_disputes',
      submit: true,
    });
    expect(answered).toMatchObject({
      status: 'under_review',
      intended_submission_method: 'smart_disputes',
      evidence_details: { submission_count: 1, submission_method: 'smart_disputes' },
    });
    // Evidence goes once, whoever sends it.
    const again = await rejection(stripe.disputes.update(eligible, { evidence: { uncategorized_text: 'x' } }));
    expect(again).toMatchObject({ statusCode: 400 });
  });
});
