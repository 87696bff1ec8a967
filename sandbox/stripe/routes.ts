// The API surface: one handler per Stripe endpoint rebut uses, each validating its params the
// way Stripe does and answering with Stripe-shaped objects.
import type Stripe from 'stripe';
import { previousAttributes } from './changes.js';
import type { Collection, PageRequest } from './collection.js';
import type { SandboxCore } from './core.js';
import { invalidRequest, resourceMissing, StripeApiError } from './errors.js';
import { applyDisputeUpdate, EVIDENCE_LIMITS } from './evidence.js';
import { expandList, expandObject } from './expand.js';
import { countPdfPages, type MultipartPart, sniffFileKind } from './multipart.js';
import { fileObject, refundObject } from './objects.js';
import {
  bool,
  type FormObject,
  int,
  LIST_PARAMS,
  obj,
  range,
  type Spec,
  str,
  strings,
  validateParams,
} from './params.js';
import type { Partition } from './store.js';

export interface RequestContext {
  method: string;
  path: string;
  params: FormObject;
  parts: MultipartPart[] | undefined;
  partition: Partition;
  /** The API key the request carried: whose platform it is. */
  key: string;
  requestId: string;
  idempotencyKey: string | undefined;
  baseUrl: string;
}

type Handler = (core: SandboxCore, ctx: RequestContext, match: string[]) => unknown;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handler: Handler;
}

const ID = '([^/]+)';

function route(method: Route['method'], path: string, handler: Handler): Route {
  return { method, pattern: new RegExp(`^${path.replaceAll(':id', ID)}$`), handler };
}

export function findRoute(method: string, path: string): { handler: Handler; match: string[] } | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match) return { handler: candidate.handler, match: match.slice(1).map((part) => decodeURIComponent(part)) };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

type Json = Record<string, unknown>;

function respond(ctx: RequestContext, object: object): Json {
  const expand = strings(ctx.params, 'expand');
  // Expansion edits the response in place, so only then is a copy of the stored object needed.
  const copy = (expand.length > 0 ? structuredClone(object) : object) as Json;
  expandObject(copy, expand, (id) => ctx.partition.find(id));
  return copy;
}

function listLimit(params: FormObject): number {
  const limit = int(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest(
      limit < 1
        ? `This value must be greater than or equal to 1 (it currently is '${limit}').`
        : `This value must be less than or equal to 100 (it currently is '${limit}').`,
      { param: 'limit' },
    );
  }
  return limit;
}

function listOf<T extends { id: string; created: number }>(
  ctx: RequestContext,
  url: string,
  collection: Collection<T>,
  filter?: (value: T) => boolean,
): Json {
  const page = collection.page(pageRequest(ctx.params, listLimit(ctx.params), filter));
  const expand = strings(ctx.params, 'expand');
  const data = page.data.map((item) => (expand.length > 0 ? structuredClone(item) : item) as unknown as Json);
  expandList(data, expand, (id) => ctx.partition.find(id));
  return { object: 'list', data, has_more: page.hasMore, url };
}

function pageRequest<T>(params: FormObject, limit: number, filter?: (value: T) => boolean): PageRequest<T> {
  const startingAfter = str(params, 'starting_after');
  const endingBefore = str(params, 'ending_before');
  if (startingAfter !== undefined && endingBefore !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', {
      code: 'parameters_exclusive',
      param: 'ending_before',
    });
  }
  const created = range(params, 'created');
  return {
    limit,
    ...(filter ? { filter } : {}),
    ...(startingAfter !== undefined ? { startingAfter } : {}),
    ...(endingBefore !== undefined ? { endingBefore } : {}),
    ...(created ? { created } : {}),
  };
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}

function retrieve<T extends object>(found: T | undefined, resource: string, id: string, ctx: RequestContext): Json {
  validateParams(ctx.params, { expand: 'expand' });
  if (!found) throw resourceMissing(resource, id);
  return respond(ctx, found);
}

function eventRequest(ctx: RequestContext): { id: string; idempotency_key: string | null } {
  return { id: ctx.requestId, idempotency_key: ctx.idempotencyKey ?? null };
}

// ---------------------------------------------------------------------------------------------
// Disputes

const DISPUTE_LIST: Spec = { ...LIST_PARAMS, created: 'range', charge: 'string', payment_intent: 'string' };

function listDisputes(_core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, DISPUTE_LIST);
  const charge = str(ctx.params, 'charge');
  const paymentIntent = str(ctx.params, 'payment_intent');
  const filter =
    charge || paymentIntent
      ? (dispute: Stripe.Dispute) =>
          (!charge || idOf(dispute.charge) === charge) &&
          (!paymentIntent || idOf(dispute.payment_intent) === paymentIntent)
      : undefined;
  return listOf(ctx, '/v1/disputes', ctx.partition.disputes, filter);
}

function disputeOrThrow(ctx: RequestContext, id: string): Stripe.Dispute {
  const dispute = ctx.partition.disputes.get(id);
  if (!dispute) throw resourceMissing('dispute', id, 'dispute');
  return dispute;
}

function updateDispute(core: SandboxCore, ctx: RequestContext, [id = '']: string[]): Json {
  const dispute = disputeOrThrow(ctx, id);
  const partition = ctx.partition;
  const updated = applyDisputeUpdate(dispute, ctx.params, {
    now: Math.floor(Date.now() / 1000),
    file: (fileId) => {
      const file = partition.files.get(fileId);
      const content = partition.fileContents.get(fileId);
      return file ? { id: file.id, purpose: file.purpose, size: file.size, pages: content?.pages ?? 1 } : undefined;
    },
    chargeExists: (chargeId) => partition.charges.get(chargeId) !== undefined,
    smartDisputesEligible: core.store.smartDisputesEligible.has(id),
  });
  const previous = previousAttributes(dispute, updated);
  if (Object.keys(previous).length > 0) {
    partition.disputes.replace(updated);
    core.emit('charge.dispute.updated', updated, {
      account: partition.account,
      livemode: partition.livemode,
      previousAttributes: previous,
      request: eventRequest(ctx),
    });
  }
  return respond(ctx, updated);
}

function closeDispute(core: SandboxCore, ctx: RequestContext, [id = '']: string[]): Json {
  validateParams(ctx.params, { expand: 'expand' });
  const dispute = disputeOrThrow(ctx, id);
  const inquiry = dispute.status === 'warning_needs_response';
  if (!inquiry && dispute.status !== 'needs_response') {
    throw invalidRequest(
      `This dispute cannot be closed because its status is '${dispute.status}'. Only disputes that need a response can be closed.`,
    );
  }
  const closed = structuredClone(dispute);
  closed.status = inquiry ? 'warning_closed' : 'lost';
  closed.is_charge_refundable = inquiry;
  ctx.partition.disputes.replace(closed);
  core.emit('charge.dispute.closed', closed, {
    account: ctx.partition.account,
    livemode: ctx.partition.livemode,
    previousAttributes: previousAttributes(dispute, closed),
    request: eventRequest(ctx),
  });
  return respond(ctx, closed);
}

// ---------------------------------------------------------------------------------------------
// Connect: the platform's connected accounts

/** `GET /v1/accounts`: only the platform may list its accounts; a connected account (`Stripe-Account`) may not. */
function listAccounts(core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, { ...LIST_PARAMS, created: 'range' });
  if (ctx.partition.account !== undefined) {
    throw new StripeApiError(
      403,
      'permission_error',
      "Only Stripe Connect platforms can work with other accounts. If you specified a client_id parameter, make sure it's correct. If you need to setup a Stripe Connect platform, you can do so at https://dashboard.stripe.com/account/applications/settings.",
    );
  }
  return listOf(ctx, '/v1/accounts', core.store.accountObjects, (account) =>
    core.store.connectedTo(account.id, ctx.key),
  );
}

// ---------------------------------------------------------------------------------------------
// Payments side: charges, customers, payment intents, refunds, subscriptions, invoices

function listCharges(_core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, {
    ...LIST_PARAMS,
    created: 'range',
    customer: 'string',
    payment_intent: 'string',
    transfer_group: 'string',
  });
  const customer = str(ctx.params, 'customer');
  const paymentIntent = str(ctx.params, 'payment_intent');
  const transferGroup = str(ctx.params, 'transfer_group');
  const filter = (charge: Stripe.Charge): boolean =>
    (!customer || idOf(charge.customer) === customer) &&
    (!paymentIntent || idOf(charge.payment_intent) === paymentIntent) &&
    (!transferGroup || charge.transfer_group === transferGroup);
  return listOf(ctx, '/v1/charges', ctx.partition.charges, filter);
}

/** `GET /v1/customers`: Stripe's `email` filter is an exact, case-sensitive match on the customer's email. */
function listCustomers(_core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, { ...LIST_PARAMS, created: 'range', email: 'string', test_clock: 'string' });
  const email = str(ctx.params, 'email');
  const testClock = str(ctx.params, 'test_clock');
  const filter = (customer: Stripe.Customer): boolean =>
    (email === undefined || customer.email === email) &&
    (testClock === undefined || idOf(customer.test_clock) === testClock);
  return listOf(ctx, '/v1/customers', ctx.partition.customers, filter);
}

function listRefunds(_core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, { ...LIST_PARAMS, created: 'range', charge: 'string', payment_intent: 'string' });
  const charge = str(ctx.params, 'charge');
  const paymentIntent = str(ctx.params, 'payment_intent');
  const filter = (refund: Stripe.Refund): boolean =>
    (!charge || idOf(refund.charge) === charge) && (!paymentIntent || idOf(refund.payment_intent) === paymentIntent);
  return listOf(ctx, '/v1/refunds', ctx.partition.refunds, filter);
}

function listInvoicePayments(_core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, {
    ...LIST_PARAMS,
    created: 'range',
    invoice: 'string',
    status: { enum: ['canceled', 'open', 'paid'] },
    payment: {
      object: {
        type: { enum: ['payment_intent', 'payment_record'] },
        payment_intent: 'string',
        payment_record: 'string',
      },
    },
  });
  const invoice = str(ctx.params, 'invoice');
  const status = str(ctx.params, 'status');
  const payment = obj(ctx.params, 'payment');
  const paymentType = payment && str(payment, 'type');
  const paymentIntent = payment && str(payment, 'payment_intent');
  if (payment && !paymentType) {
    throw invalidRequest('Missing required param: payment[type].', {
      code: 'parameter_missing',
      param: 'payment[type]',
    });
  }
  const filter = (item: Stripe.InvoicePayment): boolean =>
    (!invoice || idOf(item.invoice) === invoice) &&
    (!status || item.status === status) &&
    (!paymentType || item.payment.type === paymentType) &&
    (!paymentIntent || idOf(item.payment.payment_intent) === paymentIntent);
  return listOf(ctx, '/v1/invoice_payments', ctx.partition.invoicePayments, filter);
}

/**
 * `POST /v1/refunds`, as Stripe does it: the charge (or the payment intent's latest charge) is refunded by `amount`
 * (default: what is left), never beyond what was captured, never while it is charged back (an inquiry excepted:
 * `is_charge_refundable`). The charge changes with it, and an early fraud warning on a charge now fully refunded is no
 * longer actionable; each change is an event, as on Stripe.
 */
function createRefund(core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, {
    charge: 'string',
    payment_intent: 'string',
    amount: 'integer',
    reason: { enum: ['duplicate', 'fraudulent', 'requested_by_customer'] },
    metadata: 'map',
    expand: 'expand',
    instructions_email: 'string',
    refund_application_fee: 'boolean',
    reverse_transfer: 'boolean',
  });
  const partition = ctx.partition;
  const intentId = str(ctx.params, 'payment_intent');
  let chargeId = str(ctx.params, 'charge');
  if (chargeId === undefined && intentId !== undefined) {
    const intent = partition.paymentIntents.get(intentId);
    if (!intent) throw resourceMissing('payment_intent', intentId, 'payment_intent');
    chargeId = idOf(intent.latest_charge) ?? undefined;
  }
  if (chargeId === undefined) {
    throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.', {
      code: 'parameter_missing',
    });
  }
  const charge = partition.charges.get(chargeId);
  if (!charge) throw resourceMissing('charge', chargeId, 'charge');
  const refundable = () =>
    partition.disputes.values().find((candidate) => idOf(candidate.charge) === charge.id)?.is_charge_refundable;
  if (charge.disputed && !refundable()) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, {
      code: 'charge_disputed',
    });
  }
  const left = charge.amount_captured - charge.amount_refunded;
  if (left <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  }
  const amount = int(ctx.params, 'amount') ?? left;
  if (amount < 1)
    throw invalidRequest('Invalid positive integer', { code: 'parameter_invalid_integer', param: 'amount' });
  if (amount > left) {
    const money = (value: number) => `${(value / 100).toFixed(2)} ${charge.currency.toUpperCase()}`;
    throw invalidRequest(
      `Refund amount (${money(amount)}) is greater than unrefunded amount on charge (${money(left)})`,
      { code: 'amount_too_large', param: 'amount' },
    );
  }
  const metadata = obj(ctx.params, 'metadata') ?? {};
  const refund = refundObject({
    amount,
    currency: charge.currency,
    created: Math.floor(Date.now() / 1000),
    charge: charge.id,
    paymentIntent: idOf(charge.payment_intent),
    reason: (str(ctx.params, 'reason') ?? null) as Stripe.Refund.Reason | null,
    metadata: Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, String(value)])),
  });
  partition.refunds.insert(refund);
  const refunded = structuredClone(charge);
  refunded.amount_refunded += amount;
  refunded.refunded = refunded.amount_refunded >= refunded.amount_captured;
  partition.charges.replace(refunded);
  const options = { account: partition.account, livemode: partition.livemode, request: eventRequest(ctx) };
  core.emit('refund.created', refund, options);
  core.emit('charge.refunded', refunded, { ...options, previousAttributes: previousAttributes(charge, refunded) });
  // Stripe: a warning is actionable while its charge is neither disputed nor fully refunded.
  if (refunded.refunded) {
    for (const warning of partition.earlyFraudWarnings.values()) {
      if (idOf(warning.charge) !== charge.id || !warning.actionable) continue;
      const updated = { ...structuredClone(warning), actionable: false };
      partition.earlyFraudWarnings.replace(updated);
      core.emit('radar.early_fraud_warning.updated', updated, {
        ...options,
        previousAttributes: previousAttributes(warning, updated),
      });
    }
  }
  return respond(ctx, refund);
}

/** `GET /v1/subscriptions`: by default every subscription that is not canceled (`status=all` includes those). */
function listSubscriptions(_core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, {
    ...LIST_PARAMS,
    created: 'range',
    customer: 'string',
    price: 'string',
    status: {
      enum: [
        'active',
        'all',
        'canceled',
        'ended',
        'incomplete',
        'incomplete_expired',
        'past_due',
        'paused',
        'trialing',
        'unpaid',
      ],
    },
  });
  const customer = str(ctx.params, 'customer');
  const status = str(ctx.params, 'status');
  const filter = (subscription: Stripe.Subscription): boolean =>
    (!customer || idOf(subscription.customer) === customer) &&
    (status === 'all'
      ? true
      : status === 'ended'
        ? subscription.status === 'canceled' || subscription.status === 'incomplete_expired'
        : status
          ? subscription.status === status
          : subscription.status !== 'canceled');
  return listOf(ctx, '/v1/subscriptions', ctx.partition.subscriptions, filter);
}

/**
 * `DELETE /v1/subscriptions/:id`: cancels at once (no more invoices, no more charges). A subscription canceled already
 * is gone as far as this call goes: Stripe answers 404 "No such subscription".
 */
function cancelSubscription(core: SandboxCore, ctx: RequestContext, [id = '']: string[]): Json {
  validateParams(ctx.params, {
    expand: 'expand',
    invoice_now: 'boolean',
    prorate: 'boolean',
    cancellation_details: { object: { comment: 'string', feedback: 'string' } },
  });
  const subscription = ctx.partition.subscriptions.get(id);
  if (!subscription || subscription.status === 'canceled') throw resourceMissing('subscription', id);
  const now = Math.floor(Date.now() / 1000);
  const canceled: Stripe.Subscription = {
    ...structuredClone(subscription),
    status: 'canceled',
    canceled_at: now,
    ended_at: now,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: 'cancellation_requested' },
  };
  ctx.partition.subscriptions.replace(canceled);
  core.emit('customer.subscription.deleted', canceled, {
    account: ctx.partition.account,
    livemode: ctx.partition.livemode,
    previousAttributes: previousAttributes(subscription, canceled),
    request: eventRequest(ctx),
  });
  return respond(ctx, canceled);
}

// ---------------------------------------------------------------------------------------------
// Radar: early fraud warnings

function listEarlyFraudWarnings(_core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, { ...LIST_PARAMS, created: 'range', charge: 'string', payment_intent: 'string' });
  const charge = str(ctx.params, 'charge');
  const paymentIntent = str(ctx.params, 'payment_intent');
  const filter = (warning: Stripe.Radar.EarlyFraudWarning): boolean =>
    (!charge || idOf(warning.charge) === charge) && (!paymentIntent || idOf(warning.payment_intent) === paymentIntent);
  return listOf(ctx, '/v1/radar/early_fraud_warnings', ctx.partition.earlyFraudWarnings, filter);
}

// ---------------------------------------------------------------------------------------------
// Events

function listEvents(_core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, {
    ...LIST_PARAMS,
    created: 'range',
    type: 'string',
    types: { list: 'string' },
    delivery_success: 'boolean',
  });
  const type = str(ctx.params, 'type');
  const types = strings(ctx.params, 'types');
  const deliverySuccess = bool(ctx.params, 'delivery_success');
  if (type && types.length > 0) {
    throw invalidRequest('You may only specify one of these parameters: type, types.', {
      code: 'parameters_exclusive',
      param: 'types',
    });
  }
  // `type` accepts one `*` wildcard, as in `charge.dispute.*`.
  const typePattern = type ? new RegExp(`^${type.replaceAll('.', '\\.').replace('*', '.*')}$`) : undefined;
  const filter = (event: Stripe.Event): boolean =>
    (!typePattern || typePattern.test(event.type)) &&
    (types.length === 0 || types.includes(event.type)) &&
    (deliverySuccess === undefined || (ctx.partition.deliverySuccess.get(event.id) ?? false) === deliverySuccess);
  return listOf(ctx, '/v1/events', ctx.partition.events, filter);
}

// ---------------------------------------------------------------------------------------------
// Files

const FILE_PURPOSES = [
  'account_requirement',
  'additional_verification',
  'business_icon',
  'business_logo',
  'customer_signature',
  'dispute_evidence',
  'identity_document',
  'issuing_regulatory_reporting',
  'pci_document',
  'tax_document_user_upload',
  'terminal_reader_splashscreen',
];

function uploadFile(_core: SandboxCore, ctx: RequestContext): Json {
  if (!ctx.parts) {
    throw invalidRequest('File uploads must be sent as multipart/form-data.', { param: 'file' });
  }
  const fields: FormObject = {};
  let upload: MultipartPart | undefined;
  for (const part of ctx.parts) {
    if (part.name === 'file') upload = part;
    else fields[part.name] = part.data.toString('utf8');
  }
  const allowed = new Set([
    'purpose',
    'expand',
    'file_link_data[create]',
    'file_link_data[expires_at]',
    'file_link_data[metadata]',
  ]);
  for (const name of Object.keys(fields)) {
    if (!allowed.has(name) && !name.startsWith('expand[') && !name.startsWith('file_link_data[metadata]')) {
      throw invalidRequest(`Received unknown parameter: ${name}`, { code: 'parameter_unknown', param: name });
    }
  }
  const purpose = str(fields, 'purpose');
  if (!purpose)
    throw invalidRequest('Missing required param: purpose.', { code: 'parameter_missing', param: 'purpose' });
  if (!FILE_PURPOSES.includes(purpose)) {
    throw invalidRequest(`Invalid purpose: must be one of ${FILE_PURPOSES.join(', ')}`, { param: 'purpose' });
  }
  if (!upload) throw invalidRequest('Missing required param: file.', { code: 'parameter_missing', param: 'file' });
  const data = upload.data;
  if (data.length > EVIDENCE_LIMITS.fileBytes) {
    throw invalidRequest(
      `The file you uploaded is ${(data.length / (1024 * 1024)).toFixed(2)} MB, which is over the 5 MB maximum for files with purpose '${purpose}'.`,
      { param: 'file' },
    );
  }
  const kind = sniffFileKind(data);
  if (purpose === 'dispute_evidence' && !kind) {
    throw invalidRequest(
      'The file you uploaded is not a supported type. Dispute evidence must be a PDF, JPEG or PNG file.',
      { param: 'file' },
    );
  }
  const pages = kind === 'pdf' ? countPdfPages(data) : 1;
  if (purpose === 'dispute_evidence' && pages >= 50) {
    throw invalidRequest(`Dispute evidence files must have fewer than 50 pages; this file has ${pages}.`, {
      param: 'file',
    });
  }
  const file = fileObject({
    purpose: purpose as Stripe.File.Purpose,
    size: data.length,
    type: kind ?? 'pdf',
    filename: upload.filename ?? null,
    created: Math.floor(Date.now() / 1000),
    baseUrl: ctx.baseUrl,
  });
  ctx.partition.files.insert(file);
  ctx.partition.fileContents.set(file.id, { pages, data });
  return structuredClone(file) as unknown as Json;
}

function listFiles(_core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, { ...LIST_PARAMS, created: 'range', purpose: 'string' });
  const purpose = str(ctx.params, 'purpose');
  return listOf(
    ctx,
    '/v1/files',
    ctx.partition.files,
    purpose ? (file: Stripe.File) => file.purpose === purpose : undefined,
  );
}

/** File contents are not JSON; the server writes these bytes as they are. */
export class RawBody {
  constructor(
    readonly data: Buffer,
    readonly contentType: string,
  ) {}
}

function fileContents(_core: SandboxCore, ctx: RequestContext, [id = '']: string[]): RawBody {
  const file = ctx.partition.files.get(id);
  const content = ctx.partition.fileContents.get(id);
  if (!file || !content) throw resourceMissing('file', id);
  const types: Record<string, string> = { pdf: 'application/pdf', jpg: 'image/jpeg', png: 'image/png' };
  return new RawBody(content.data, types[file.type ?? ''] ?? 'application/octet-stream');
}

// ---------------------------------------------------------------------------------------------
// Webhook endpoints: the sandbox's one webhook target, as the dashboard would list it

const REBUT_EVENTS = [
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
  'radar.early_fraud_warning.created',
  'radar.early_fraud_warning.updated',
];

function listWebhookEndpoints(core: SandboxCore, ctx: RequestContext): Json {
  validateParams(ctx.params, LIST_PARAMS);
  const limit = listLimit(ctx.params);
  const target = core.webhook;
  const livemode = ctx.partition.livemode;
  const endpoints = target
    ? [
        {
          id: 'we_1RebutSandboxEndpoint',
          object: 'webhook_endpoint',
          api_version: target.apiVersion === undefined ? core.apiVersion : target.apiVersion,
          application: null,
          created: 1_700_000_000,
          description: null,
          enabled_events: target.enabledEvents ?? REBUT_EVENTS,
          livemode,
          metadata: {},
          status: 'enabled',
          url: target.url,
        },
      ]
    : [];
  return {
    object: 'list',
    data: endpoints.slice(0, limit),
    has_more: endpoints.length > limit,
    url: '/v1/webhook_endpoints',
  };
}

// ---------------------------------------------------------------------------------------------

const ROUTES: Route[] = [
  route('GET', '/v1/webhook_endpoints', listWebhookEndpoints),
  route('GET', '/v1/accounts', listAccounts),
  route('GET', '/v1/disputes', listDisputes),
  route('GET', '/v1/disputes/:id', (_core, ctx, [id = '']) =>
    retrieve(ctx.partition.disputes.get(id), 'dispute', id, ctx),
  ),
  route('POST', '/v1/disputes/:id', updateDispute),
  route('POST', '/v1/disputes/:id/close', closeDispute),
  route('GET', '/v1/charges', listCharges),
  route('GET', '/v1/charges/:id', (_core, ctx, [id = '']) =>
    retrieve(ctx.partition.charges.get(id), 'charge', id, ctx),
  ),
  route('GET', '/v1/customers', listCustomers),
  route('GET', '/v1/customers/:id', (_core, ctx, [id = '']) =>
    retrieve(ctx.partition.customers.get(id), 'customer', id, ctx),
  ),
  route('GET', '/v1/payment_intents/:id', (_core, ctx, [id = '']) =>
    retrieve(ctx.partition.paymentIntents.get(id), 'payment_intent', id, ctx),
  ),
  route('GET', '/v1/payment_methods/:id', (_core, ctx, [id = '']) =>
    retrieve(ctx.partition.paymentMethods.get(id), 'payment_method', id, ctx),
  ),
  route('GET', '/v1/balance_transactions/:id', (_core, ctx, [id = '']) =>
    retrieve(ctx.partition.balanceTransactions.get(id), 'balance_transaction', id, ctx),
  ),
  route('GET', '/v1/refunds', listRefunds),
  route('POST', '/v1/refunds', createRefund),
  route('GET', '/v1/radar/early_fraud_warnings', listEarlyFraudWarnings),
  route('GET', '/v1/radar/early_fraud_warnings/:id', (_core, ctx, [id = '']) =>
    retrieve(ctx.partition.earlyFraudWarnings.get(id), 'radar.early_fraud_warning', id, ctx),
  ),
  route('GET', '/v1/refunds/:id', (_core, ctx, [id = '']) =>
    retrieve(ctx.partition.refunds.get(id), 'refund', id, ctx),
  ),
  route('GET', '/v1/subscriptions', listSubscriptions),
  route('GET', '/v1/subscriptions/:id', (_core, ctx, [id = '']) =>
    retrieve(ctx.partition.subscriptions.get(id), 'subscription', id, ctx),
  ),
  route('DELETE', '/v1/subscriptions/:id', cancelSubscription),
  route('GET', '/v1/invoices/:id', (_core, ctx, [id = '']) =>
    retrieve(ctx.partition.invoices.get(id), 'invoice', id, ctx),
  ),
  route('GET', '/v1/invoice_payments', listInvoicePayments),
  route('GET', '/v1/invoice_payments/:id', (_core, ctx, [id = '']) =>
    retrieve(ctx.partition.invoicePayments.get(id), 'invoice_payment', id, ctx),
  ),
  route('GET', '/v1/events', listEvents),
  route('GET', '/v1/events/:id', (_core, ctx, [id = '']) => retrieve(ctx.partition.events.get(id), 'event', id, ctx)),
  route('POST', '/v1/files', uploadFile),
  route('GET', '/v1/files', listFiles),
  route('GET', '/v1/files/:id', (_core, ctx, [id = '']) => retrieve(ctx.partition.files.get(id), 'file', id, ctx)),
  route('GET', '/v1/files/:id/contents', fileContents),
];
