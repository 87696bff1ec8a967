// Stripe's v1 error envelope: `{ error: { type, code?, message, param?, doc_url?, request_log_url? } }`.
// The SDK picks its error class from the status code (and `type` for idempotency errors), so the
// status and type here decide which `Stripe.errors.*` class the caller sees.

export type StripeErrorType =
  | 'invalid_request_error'
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'authentication_error'
  | 'permission_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
  request_log_url?: string;
}

export class StripeApiError extends Error {
  readonly status: number;
  readonly type: StripeErrorType;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    type: StripeErrorType,
    message: string,
    options: { code?: string; param?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = options.code;
    this.param = options.param;
    this.headers = options.headers ?? {};
  }

  body(requestId: string, livemode: boolean): { error: StripeErrorBody } {
    const error: StripeErrorBody = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replaceAll('_', '-')}`;
    }
    if (this.param) error.param = this.param;
    error.request_log_url = `https://dashboard.stripe.com/${livemode ? '' : 'test/'}logs/${requestId}?t=${Math.floor(Date.now() / 1000)}`;
    return { error };
  }
}

export function invalidRequest(message: string, options: { code?: string; param?: string } = {}): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, options);
}

export function unknownParameter(param: string): StripeApiError {
  return invalidRequest(`Received unknown parameter: ${param}`, { code: 'parameter_unknown', param });
}

/** Stripe's 404 for a well-formed request naming an object that does not exist. */
export function resourceMissing(resource: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(404, 'invalid_request_error', `No such ${resource}: '${id}'`, {
    code: 'resource_missing',
    param,
  });
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}

// Stripe answers both a missing and a malformed key with 401 and type invalid_request_error.
export function missingApiKey(): StripeApiError {
  return new StripeApiError(
    401,
    'invalid_request_error',
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
  );
}

function masked(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(Math.min(key.length - 12, 20))}${key.slice(-4)}` : key;
}

export function invalidApiKey(key: string): StripeApiError {
  return new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${masked(key)}`, {
    code: 'api_key_invalid',
  });
}

/** What Stripe answers a restricted key (`rk_…`) without the endpoint's permission: 403, named permission. */
export function missingPermission(key: string, permission: string, account: string): StripeApiError {
  return new StripeApiError(
    403,
    'invalid_request_error',
    `The provided key '${masked(key)}' does not have the required permissions for this endpoint on account '${account}'. Having the 'rak_${permission}' permission would allow this request to continue.`,
  );
}

// Stripe's real 429 body says type invalid_request_error, code rate_limit; the SDK maps any 429 to
// StripeRateLimitError. No Stripe-Should-Retry header, so the SDK does not retry it by itself.
export function rateLimited(): StripeApiError {
  return new StripeApiError(
    429,
    'invalid_request_error',
    'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    { code: 'rate_limit' },
  );
}

export function apiError(status = 500): StripeApiError {
  return new StripeApiError(
    status,
    'api_error',
    'An unknown error occurred while processing your request. Please try again later or contact support at https://support.stripe.com/.',
  );
}

/** The body a fault-injected status would carry on the real API. */
export function injectedError(status: number): StripeApiError {
  if (status === 429) return rateLimited();
  if (status === 401) return invalidApiKey('sk_test_injected_fault');
  if (status === 402) {
    return new StripeApiError(402, 'card_error', 'Your card was declined.', { code: 'card_declined' });
  }
  if (status === 403) {
    return new StripeApiError(403, 'permission_error', 'The provided key does not have access to this resource.');
  }
  if (status === 404)
    return new StripeApiError(404, 'invalid_request_error', 'No such object.', { code: 'resource_missing' });
  if (status === 409) {
    return new StripeApiError(
      409,
      'invalid_request_error',
      'This object cannot be accessed right now because another API request or Stripe process is currently accessing it.',
      { code: 'lock_timeout' },
    );
  }
  if (status >= 400 && status < 500) return invalidRequest('Injected fault.');
  return apiError(status);
}
