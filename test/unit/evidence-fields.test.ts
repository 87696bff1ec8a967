import { describe, expect, it } from 'vitest';
import { evidenceFields } from '../../src/db/disputes.js';

describe('evidenceFields (what the stats count as evidence a dispute carried)', () => {
  it('names the fields with a value, sorted by code point, and leaves out empty ones and the appeal block', () => {
    expect(
      evidenceFields({
        uncategorized_text: 'The customer used the product.',
        access_activity_log: 'Signed in after the purchase',
        customer_email_address: '',
        customer_name: null,
        receipt: 'file_123',
        service_documentation: {},
        shipping_documentation: [],
        duplicate_charge_id: 'ch_1',
        appeal: { uncategorized_text: 'an appeal' },
      }),
    ).toEqual(['access_activity_log', 'duplicate_charge_id', 'receipt', 'uncategorized_text']);
  });

  it('counts each enhanced evidence program that was given, as enhanced_evidence.<program>', () => {
    expect(
      evidenceFields({
        product_description: 'Design credits',
        enhanced_evidence: {
          visa_compelling_evidence_3: { disputed_transaction: { customer_purchase_ip: '203.0.113.7' } },
          visa_compliance: {},
        },
      }),
    ).toEqual(['enhanced_evidence.visa_compelling_evidence_3', 'product_description']);
    expect(evidenceFields({ enhanced_evidence: {} })).toEqual([]);
  });

  it('a value of NULs alone is empty, as it is once stored (PostgreSQL keeps no NUL)', () => {
    expect(evidenceFields({ customer_name: '\u0000\u0000', billing_address: 'a\u0000b' })).toEqual(['billing_address']);
  });

  it('no evidence at all gives no fields', () => {
    expect(evidenceFields(undefined)).toEqual([]);
    expect(evidenceFields(null)).toEqual([]);
    expect(evidenceFields({})).toEqual([]);
  });

  it('orders as COLLATE "C" does: an underscore sorts before a letter', () => {
    expect(
      evidenceFields({ refund_refusal_explanation: 'x', refund_policy: 'y', refund_policy_disclosure: 'z' }),
    ).toEqual(['refund_policy', 'refund_policy_disclosure', 'refund_refusal_explanation']);
    expect(evidenceFields({ a_b: 'x', ab: 'y' })).toEqual(['a_b', 'ab']);
  });
});
