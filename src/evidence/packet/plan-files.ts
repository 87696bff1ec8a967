import type { EvidenceFileField } from '../../dispute/evidence-fields.js';
import type { Dropped } from './fields.js';
import type { PacketInput, PacketPolicy, PolicyKind } from './types.js';

export interface FilePlan {
  /** The service documentation (summary, timeline, activity, images). */
  main: EvidenceFileField | null;
  receipt: EvidenceFileField | null;
  refundReceipt: EvidenceFileField | null;
  policies: {
    field: EvidenceFileField;
    slug: string;
    heading: string;
    kinds: PolicyKind[];
    policies: PacketPolicy[];
  }[];
  communications: EvidenceFileField | null;
  dropped: Dropped[];
}

/**
 * Which document goes on which field, using only the fields the playbook asked for, each once.
 * Terms of service stand in for a missing refund or cancellation policy, else go on
 * uncategorized_file when that is free.
 */
export function planFiles(
  input: Pick<PacketInput, 'fileFields' | 'receipt' | 'refundReceipt' | 'policies' | 'communications'>,
): FilePlan {
  const wanted = new Set(input.fileFields);
  const used = new Set<EvidenceFileField>();
  const dropped: Dropped[] = [];
  const take = (field: EvidenceFileField): EvidenceFileField | null => {
    if (!wanted.has(field) || used.has(field)) return null;
    used.add(field);
    return field;
  };
  // Before the service documentation, which falls back to uncategorized_file: a refund made before the dispute
  // answers the claim by itself, so its receipt has the field it belongs on first.
  const refundReceipt =
    input.refundReceipt && input.refundReceipt.refunds.length > 0 ? take(input.refundReceipt.field) : null;
  const main = take('service_documentation') ?? take('uncategorized_file');
  if (!main) {
    dropped.push({
      what: 'the service documentation (summary, timeline, activity log, deliverable images)',
      why: 'the playbook asks for neither service_documentation nor uncategorized_file',
    });
  }
  const receipt = input.receipt && input.receipt.length > 0 ? take('receipt') : null;
  const ofKind = (kind: PolicyKind) => input.policies.filter((p) => p.kind === kind && p.text.trim() !== '');
  const terms = ofKind('terms');
  let termsPlaced = terms.length === 0;
  const policies: FilePlan['policies'] = [];
  const place = (kind: 'refund' | 'cancellation', field: EvidenceFileField, heading: string) => {
    const own = ofKind(kind);
    if (own.length > 0) {
      const target = take(field);
      if (target) policies.push({ field: target, slug: `${kind}-policy`, heading, kinds: [kind], policies: own });
      else
        dropped.push({ what: `the ${kind} policy`, why: `the playbook does not ask for ${field}`, byPlaybook: true });
    } else if (!termsPlaced && wanted.has(field)) {
      const target = take(field);
      if (target) {
        policies.push({
          field: target,
          slug: `${kind}-policy`,
          heading: `${heading} (terms of service)`,
          kinds: ['terms', kind],
          policies: terms,
        });
        termsPlaced = true;
      }
    }
  };
  place('refund', 'refund_policy', 'Refund policy');
  place('cancellation', 'cancellation_policy', 'Cancellation policy');
  if (!termsPlaced) {
    const target = take('uncategorized_file');
    if (target)
      policies.push({
        field: target,
        slug: 'terms-of-service',
        heading: 'Terms of service',
        kinds: ['terms'],
        policies: terms,
      });
    else dropped.push({ what: 'the terms of service', why: 'no free file field for them in this playbook' });
  }
  const communications = input.communications.length > 0 ? take('customer_communication') : null;
  if (input.communications.length > 0 && !communications) {
    dropped.push({
      what: 'the customer communication file',
      why: 'the playbook does not ask for customer_communication',
      byPlaybook: true,
    });
  }
  for (const field of wanted) {
    if (!used.has(field)) dropped.push({ what: `the ${field} file`, why: 'nothing on record belongs in it' });
  }
  return { main, receipt, refundReceipt, policies, communications, dropped };
}
