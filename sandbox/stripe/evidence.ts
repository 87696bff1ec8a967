// What `POST /v1/disputes/:id` accepts and how it changes the dispute: a pure function of the
// dispute, the request's params, the uploaded files and the clock. Any violation throws and
// nothing is applied, as on Stripe, where one bad field fails the whole update.
import type Stripe from 'stripe';
import { invalidRequest, StripeApiError } from './errors.js';
import {
  EVIDENCE_FILE_FIELDS,
  EVIDENCE_TEXT_FIELDS,
  type EvidenceFileField,
  type EvidenceTextField,
  emptyEvidence,
} from './objects.js';
import {
  bool,
  type FormObject,
  type FormValue,
  obj,
  type ParamSpec,
  type Spec,
  str,
  validateParams,
} from './params.js';

export const EVIDENCE_LIMITS = {
  /** Long free-text fields (Stripe's 23.1.0 types). */
  longText: 20_000,
  /** Short fields (`maxLength` in Stripe's spec). */
  shortText: 5_000,
  /** All text fields of the evidence hash together. */
  totalText: 150_000,
  /** Per file, at upload. */
  fileBytes: 5 * 1024 * 1024,
  /** All evidence files of a dispute together. */
  combinedFileBytes: 4.5 * 1024 * 1024,
  /** Fewer than 50 pages at upload and in total; Mastercard takes at most 19. */
  pagesMastercard: 19,
  pagesOther: 49,
} as const;

const LONG_TEXT_FIELDS: ReadonlySet<string> = new Set<EvidenceTextField>([
  'access_activity_log',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'duplicate_charge_explanation',
  'product_description',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'uncategorized_text',
]);

const OPEN_STATUSES: ReadonlySet<string> = new Set(['needs_response', 'warning_needs_response']);

const ADDRESS = {
  object: {
    city: 'string',
    country: 'string',
    line1: 'string',
    line2: 'string',
    postal_code: 'string',
    state: 'string',
  },
} as const satisfies ParamSpec;

const CE3_IDENTIFIERS = {
  customer_account_id: 'string',
  customer_device_fingerprint: 'string',
  customer_device_id: 'string',
  customer_email_address: 'string',
  customer_purchase_ip: 'string',
  product_description: 'string',
  shipping_address: ADDRESS,
} as const satisfies Spec;

const EVIDENCE_SPEC: Spec = {
  ...Object.fromEntries([...EVIDENCE_TEXT_FIELDS, ...EVIDENCE_FILE_FIELDS].map((field) => [field, 'string'])),
  enhanced_evidence: {
    object: {
      visa_compelling_evidence_3: {
        object: {
          disputed_transaction: {
            object: { ...CE3_IDENTIFIERS, merchandise_or_services: { enum: ['merchandise', 'services'] } },
          },
          prior_undisputed_transactions: { list: { object: { charge: 'string', ...CE3_IDENTIFIERS } } },
        },
      },
      visa_compliance: { object: { fee_acknowledged: 'boolean' } },
      mastercard_compliance: { object: { fee_acknowledged: 'boolean' } },
    },
  },
  appeal: { object: { card: { object: { reason_for_filing: 'string', supporting_files: { list: 'string' } } } } },
};

export const DISPUTE_UPDATE_SPEC: Spec = {
  evidence: { object: EVIDENCE_SPEC },
  metadata: 'map',
  submit: 'boolean',
  intended_submission_method: { enum: ['manual', 'prefer_manual', 'prefer_smart_disputes', 'smart_disputes'] },
  expand: 'expand',
};

export interface EvidenceFile {
  id: string;
  purpose: string;
  size: number;
  pages: number;
}

export interface UpdateContext {
  now: number;
  file(id: string): EvidenceFile | undefined;
  chargeExists(id: string): boolean;
  /** Stripe's Smart Disputes can answer this dispute. */
  smartDisputesEligible?: boolean;
}

function evidenceParam(field: string): string {
  return `evidence[${field}]`;
}

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
}

/** Applies a dispute update, or throws the StripeApiError Stripe would answer with. */
export function applyDisputeUpdate(dispute: Stripe.Dispute, params: FormObject, ctx: UpdateContext): Stripe.Dispute {
  validateParams(params, DISPUTE_UPDATE_SPEC);
  const evidenceParams = obj(params, 'evidence');
  const submitParam = bool(params, 'submit');
  const intended = str(params, 'intended_submission_method') as Stripe.Dispute.IntendedSubmissionMethod | undefined;
  const next = structuredClone(dispute);

  // Metadata can change at any time; everything else only while a response is still possible.
  const touchesEvidence = evidenceParams !== undefined || submitParam !== undefined || intended !== undefined;
  if (touchesEvidence) {
    assertRespondable(dispute, evidenceParams, ctx.now);
    const submit = submitParam ?? true;
    if (evidenceParams) next.evidence = mergeEvidence(dispute, evidenceParams, ctx);
    if (intended) next.intended_submission_method = intended;
    const smart = submit && (intended ?? dispute.intended_submission_method) === 'smart_disputes';
    if (smart && !ctx.smartDisputesEligible) {
      throw invalidRequest('Smart Disputes is not available for this dispute. Submit your own evidence instead.', {
        code: 'smart_disputes_not_available',
        param: 'intended_submission_method',
      });
    }
    const details = next.evidence_details;
    details.has_evidence = hasEvidence(next.evidence);
    if (submit) {
      details.submission_count += 1;
      // Smart Disputes answers with the evidence it gathers itself; rebut's staged fields are not what is sent.
      details.submission_method = smart ? 'smart_disputes' : 'manual';
      details.past_due = false;
      next.status = submittedStatus(dispute.status);
    }
    const ce3 = details.enhanced_eligibility.visa_compelling_evidence_3;
    if (ce3 && next.enhanced_eligibility_types.includes('visa_compelling_evidence_3')) {
      const requiredActions = ce3RequiredActions(next.evidence.enhanced_evidence.visa_compelling_evidence_3);
      details.enhanced_eligibility.visa_compelling_evidence_3 = submit
        ? { status: requiredActions.length === 0 ? 'qualified' : 'not_qualified', required_actions: [] }
        : { status: requiredActions.length === 0 ? 'qualified' : 'requires_action', required_actions: requiredActions };
    }
    applyComplianceAcknowledgements(next);
  }

  if (params.metadata !== undefined) next.metadata = mergeMetadata(dispute.metadata, params.metadata);
  return next;
}

function submittedStatus(status: Stripe.Dispute.Status): Stripe.Dispute.Status {
  if (status === 'warning_needs_response') return 'warning_under_review';
  if (status === 'appeal_needs_response') return 'appeal_under_review';
  return 'under_review';
}

function assertRespondable(dispute: Stripe.Dispute, evidence: FormObject | undefined, now: number): void {
  const appeal = evidence?.appeal !== undefined;
  if (dispute.status === 'appeal_needs_response') {
    const others = Object.keys(evidence ?? {}).filter((key) => key !== 'appeal');
    if (others.length > 0) {
      throw invalidRequest('Only appeal evidence can be provided while a dispute is in the appeal stage.', {
        param: evidenceParam(others[0] ?? ''),
      });
    }
  } else {
    if (appeal) {
      throw invalidRequest('Appeal evidence can only be provided while the dispute status is appeal_needs_response.', {
        param: 'evidence[appeal]',
      });
    }
    if (dispute.evidence_details.submission_count >= 1 || !OPEN_STATUSES.has(dispute.status)) {
      const closed = ['won', 'lost', 'warning_closed', 'prevented'].includes(dispute.status);
      throw invalidRequest(
        closed
          ? `This dispute is already closed (status: ${dispute.status}) and its evidence can no longer be updated.`
          : `Evidence for this dispute has already been submitted (status: ${dispute.status}); evidence can only be submitted once.`,
      );
    }
  }
  const dueBy = dispute.evidence_details.due_by;
  if (dueBy !== null && dueBy <= now) {
    throw invalidRequest(
      dueBy === 0
        ? 'The card network does not allow a response to this dispute.'
        : `The due date for this dispute (${new Date(dueBy * 1000).toISOString()}) has passed; evidence can no longer be submitted.`,
    );
  }
}

function mergeEvidence(dispute: Stripe.Dispute, params: FormObject, ctx: UpdateContext): Stripe.Dispute.Evidence {
  const evidence: Stripe.Dispute.Evidence = { ...emptyEvidence(), ...structuredClone(dispute.evidence) };
  const fields = evidence as unknown as Record<string, string | Stripe.File | null>;

  for (const field of EVIDENCE_TEXT_FIELDS) {
    const value = str(params, field);
    if (value === undefined) continue;
    const max = LONG_TEXT_FIELDS.has(field) ? EVIDENCE_LIMITS.longText : EVIDENCE_LIMITS.shortText;
    if (value.length > max) {
      throw invalidRequest(
        `Invalid string: ${value.slice(0, 20)}...; must be at most ${max} characters (got ${value.length}).`,
        { param: evidenceParam(field) },
      );
    }
    if (field === 'duplicate_charge_id' && value !== '' && !ctx.chargeExists(value)) {
      throw invalidRequest(`No such charge: '${value}'`, { code: 'resource_missing', param: evidenceParam(field) });
    }
    fields[field] = value === '' ? null : value;
  }

  for (const field of EVIDENCE_FILE_FIELDS) {
    const value = str(params, field);
    if (value === undefined) continue;
    if (value !== '') checkEvidenceFile(value, evidenceParam(field), ctx);
    fields[field] = value === '' ? null : value;
  }

  const enhanced = obj(params, 'enhanced_evidence');
  if (enhanced) applyEnhancedEvidence(dispute, evidence, enhanced, ctx);
  else if (params.enhanced_evidence === '') evidence.enhanced_evidence = {};

  const appeal = obj(params, 'appeal');
  if (appeal) {
    const card = obj(appeal, 'card');
    const files = card ? filesOf(card.supporting_files) : [];
    files.forEach((id, index) => {
      checkEvidenceFile(id, `evidence[appeal][card][supporting_files][${index}]`, ctx);
    });
    evidence.appeal = {
      card: { reason_for_filing: (card && str(card, 'reason_for_filing')) ?? '', supporting_files: files },
    };
  }

  checkFileBudget(dispute, evidence, ctx);
  const totalText = EVIDENCE_TEXT_FIELDS.reduce((sum, field) => sum + (evidence[field]?.length ?? 0), 0);
  if (totalText > EVIDENCE_LIMITS.totalText) {
    throw invalidRequest(
      `The evidence text fields together are ${totalText} characters, which is over the ${EVIDENCE_LIMITS.totalText} character maximum.`,
      { param: 'evidence' },
    );
  }
  return evidence;
}

function filesOf(value: FormValue | undefined): string[] {
  if (value === undefined || value === '') return [];
  if (typeof value === 'string') return [value];
  const items = Array.isArray(value) ? value : Object.values(value);
  return items.filter((item): item is string => typeof item === 'string');
}

function checkEvidenceFile(id: string, param: string, ctx: UpdateContext): EvidenceFile {
  const file = ctx.file(id);
  if (!file) throw invalidRequest(`No such file upload: '${id}'`, { code: 'resource_missing', param });
  if (file.purpose !== 'dispute_evidence') {
    throw invalidRequest(
      `The file '${id}' was uploaded with purpose '${file.purpose}', but dispute evidence must be uploaded with purpose 'dispute_evidence'.`,
      { param },
    );
  }
  return file;
}

/** Files on the evidence after the merge: one file per field, within the combined size and page limits. */
function checkFileBudget(dispute: Stripe.Dispute, evidence: Stripe.Dispute.Evidence, ctx: UpdateContext): void {
  const seen = new Map<string, EvidenceFileField>();
  let bytes = 0;
  let pages = 0;
  for (const field of EVIDENCE_FILE_FIELDS) {
    const value = evidence[field];
    const id = typeof value === 'string' ? value : value?.id;
    if (!id) continue;
    const earlier = seen.get(id);
    if (earlier) {
      throw invalidRequest(
        `The file '${id}' is attached to both evidence[${earlier}] and evidence[${field}]. Each evidence field needs its own file.`,
        { param: evidenceParam(field) },
      );
    }
    seen.set(id, field);
    const file = ctx.file(id);
    if (!file)
      throw invalidRequest(`No such file upload: '${id}'`, { code: 'resource_missing', param: evidenceParam(field) });
    bytes += file.size;
    pages += file.pages;
  }
  if (bytes > EVIDENCE_LIMITS.combinedFileBytes) {
    throw invalidRequest(
      `The combined size of the evidence files is ${formatMb(bytes)}, which is over the ${formatMb(EVIDENCE_LIMITS.combinedFileBytes)} maximum. Reduce the size of your files and try again.`,
      { param: 'evidence' },
    );
  }
  const mastercard = dispute.payment_method_details?.card?.brand === 'mastercard';
  const maxPages = mastercard ? EVIDENCE_LIMITS.pagesMastercard : EVIDENCE_LIMITS.pagesOther;
  if (pages > maxPages) {
    throw new StripeApiError(
      400,
      'invalid_request_error',
      `The evidence files have ${pages} pages in total, which is over the ${maxPages} page maximum${mastercard ? ' for Mastercard disputes' : ''}.`,
      { code: 'dispute_evidence_page_limit_exceeded', param: 'evidence' },
    );
  }
}

type Ce3 = Stripe.Dispute.Evidence.EnhancedEvidence.VisaCompellingEvidence3;
type Ce3Disputed = Stripe.Dispute.Evidence.EnhancedEvidence.VisaCompellingEvidence3.DisputedTransaction;
type Ce3Prior = Stripe.Dispute.Evidence.EnhancedEvidence.VisaCompellingEvidence3.PriorUndisputedTransaction;

function applyEnhancedEvidence(
  dispute: Stripe.Dispute,
  evidence: Stripe.Dispute.Evidence,
  params: FormObject,
  ctx: UpdateContext,
): void {
  const eligible = new Set(dispute.enhanced_eligibility_types);
  for (const kind of ['visa_compelling_evidence_3', 'visa_compliance', 'mastercard_compliance'] as const) {
    if (params[kind] !== undefined && !eligible.has(kind)) {
      throw invalidRequest(
        `This dispute is not eligible for ${kind} enhanced evidence. Check enhanced_eligibility_types before sending it.`,
        { param: `evidence[enhanced_evidence][${kind}]` },
      );
    }
  }
  const ce3 = obj(params, 'visa_compelling_evidence_3');
  if (ce3) evidence.enhanced_evidence.visa_compelling_evidence_3 = ce3Evidence(ce3, ctx);
  for (const kind of ['visa_compliance', 'mastercard_compliance'] as const) {
    const hash = obj(params, kind);
    if (hash) evidence.enhanced_evidence[kind] = { fee_acknowledged: bool(hash, 'fee_acknowledged') ?? false };
  }
}

const CE3_PARAM = 'evidence[enhanced_evidence][visa_compelling_evidence_3]';

function ce3Identifiers(hash: FormObject, param: string): Omit<Ce3Prior, 'charge'> {
  const fingerprint = str(hash, 'customer_device_fingerprint') ?? null;
  const deviceId = str(hash, 'customer_device_id') ?? null;
  // Visa's CE 3.0 rules: device fingerprints are at least 20 characters, device ids at least 15.
  if (fingerprint !== null && fingerprint.length < 20) {
    throw invalidRequest('customer_device_fingerprint must be at least 20 characters.', {
      param: `${param}[customer_device_fingerprint]`,
    });
  }
  if (deviceId !== null && deviceId.length < 15) {
    throw invalidRequest('customer_device_id must be at least 15 characters.', {
      param: `${param}[customer_device_id]`,
    });
  }
  const address = obj(hash, 'shipping_address');
  let shipping: Stripe.Address | null = null;
  if (address) {
    const fields = ['city', 'country', 'line1', 'postal_code', 'state'] as const;
    const missing = fields.find((field) => !str(address, field));
    if (missing) {
      throw invalidRequest(`Missing required param: ${param}[shipping_address][${missing}].`, {
        code: 'parameter_missing',
        param: `${param}[shipping_address][${missing}]`,
      });
    }
    shipping = {
      city: str(address, 'city') ?? null,
      country: str(address, 'country') ?? null,
      line1: str(address, 'line1') ?? null,
      line2: str(address, 'line2') ?? null,
      postal_code: str(address, 'postal_code') ?? null,
      state: str(address, 'state') ?? null,
    };
  }
  return {
    customer_account_id: str(hash, 'customer_account_id') ?? null,
    customer_device_fingerprint: fingerprint,
    customer_device_id: deviceId,
    customer_email_address: str(hash, 'customer_email_address') ?? null,
    customer_purchase_ip: str(hash, 'customer_purchase_ip') ?? null,
    product_description: str(hash, 'product_description') ?? null,
    shipping_address: shipping,
  };
}

function ce3Evidence(params: FormObject, ctx: UpdateContext): Ce3 {
  const disputedHash = obj(params, 'disputed_transaction');
  const disputed: Ce3Disputed | null = disputedHash
    ? {
        ...ce3Identifiers(disputedHash, `${CE3_PARAM}[disputed_transaction]`),
        merchandise_or_services: str(disputedHash, 'merchandise_or_services') ?? null,
      }
    : null;
  const priorValue = params.prior_undisputed_transactions;
  const priorHashes: FormObject[] =
    priorValue === undefined || typeof priorValue === 'string'
      ? []
      : (Array.isArray(priorValue) ? priorValue : Object.values(priorValue)).filter(
          (item): item is FormObject => typeof item === 'object' && !Array.isArray(item),
        );
  if (priorHashes.length > 2) {
    throw invalidRequest('Provide exactly two prior undisputed transactions.', {
      param: `${CE3_PARAM}[prior_undisputed_transactions]`,
    });
  }
  const prior = priorHashes.map((hash, index): Ce3Prior => {
    const param = `${CE3_PARAM}[prior_undisputed_transactions][${index}]`;
    const charge = str(hash, 'charge');
    if (!charge) {
      throw invalidRequest(`Missing required param: ${param}[charge].`, {
        code: 'parameter_missing',
        param: `${param}[charge]`,
      });
    }
    if (!ctx.chargeExists(charge)) {
      throw invalidRequest(`No such charge: '${charge}'`, { code: 'resource_missing', param: `${param}[charge]` });
    }
    return { charge, ...ce3Identifiers(hash, param) };
  });
  return { disputed_transaction: disputed, prior_undisputed_transactions: prior };
}

type Identifiers = Omit<Ce3Prior, 'charge'>;

/**
 * What is still missing for Visa CE 3.0. All three transactions must share two main identifiers
 * (purchase IP; device fingerprint or device id; account id), or one main and one secondary
 * (shipping address; email). Fingerprint plus device id does not count as a pair.
 */
export function ce3RequiredActions(ce3: Ce3 | undefined): string[] {
  const actions: string[] = [];
  const disputed = ce3?.disputed_transaction ?? null;
  const prior = ce3?.prior_undisputed_transactions ?? [];
  if (!disputed?.product_description) actions.push('missing_disputed_transaction_description');
  if (!disputed?.merchandise_or_services) actions.push('missing_merchandise_or_services');
  if (prior.length < 2) actions.push('missing_prior_undisputed_transactions');
  if (prior.some((transaction) => !transaction.product_description)) {
    actions.push('missing_prior_undisputed_transaction_description');
  }
  if (!disputed || prior.length < 2 || !identifiersMatch([disputed, ...prior])) {
    actions.unshift('missing_customer_identifiers');
  }
  return actions;
}

function identifiersMatch(transactions: Identifiers[]): boolean {
  const same = (pick: (t: Identifiers) => string | null): boolean => {
    const first = transactions[0] ? pick(transactions[0]) : null;
    return first !== null && first !== '' && transactions.every((t) => pick(t) === first);
  };
  const ip = same((t) => t.customer_purchase_ip);
  const device = same((t) => t.customer_device_fingerprint) || same((t) => t.customer_device_id);
  const account = same((t) => t.customer_account_id);
  const address = same((t) => (t.shipping_address ? JSON.stringify(t.shipping_address) : null));
  const email = same((t) => t.customer_email_address?.toLowerCase() ?? null);
  const main = [ip, device, account].filter(Boolean).length;
  const secondary = [address, email].filter(Boolean).length;
  return main >= 2 || (main >= 1 && secondary >= 1);
}

function applyComplianceAcknowledgements(dispute: Stripe.Dispute): void {
  const eligibility = dispute.evidence_details.enhanced_eligibility;
  for (const kind of ['visa_compliance', 'mastercard_compliance'] as const) {
    if (!dispute.enhanced_eligibility_types.includes(kind)) continue;
    const acknowledged = dispute.evidence.enhanced_evidence[kind]?.fee_acknowledged === true;
    eligibility[kind] = { status: acknowledged ? 'fee_acknowledged' : 'requires_fee_acknowledgement' };
  }
}

function hasEvidence(evidence: Stripe.Dispute.Evidence): boolean {
  const anyField = [...EVIDENCE_TEXT_FIELDS, ...EVIDENCE_FILE_FIELDS].some((field) => evidence[field] !== null);
  return anyField || Object.keys(evidence.enhanced_evidence).length > 0;
}

/** Stripe's metadata rules: merge by key, '' deletes a key, `metadata=''` clears all. */
export function mergeMetadata(current: Stripe.Metadata, value: FormValue): Stripe.Metadata {
  if (value === '') return {};
  if (typeof value === 'string' || Array.isArray(value)) throw invalidRequest('Invalid hash', { param: 'metadata' });
  const merged: Stripe.Metadata = { ...current };
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string')
      throw invalidRequest(`Invalid string: ${JSON.stringify(entry)}`, { param: `metadata[${key}]` });
    if (key.length > 40) {
      throw invalidRequest(`Metadata keys can be at most 40 characters long (got '${key}').`, {
        param: `metadata[${key}]`,
      });
    }
    if (entry.length > 500) {
      throw invalidRequest('Metadata values can be at most 500 characters long.', { param: `metadata[${key}]` });
    }
    if (entry === '') delete merged[key];
    else merged[key] = entry;
  }
  if (Object.keys(merged).length > 50) {
    throw invalidRequest('Metadata can have at most 50 keys.', { param: 'metadata' });
  }
  return merged;
}
