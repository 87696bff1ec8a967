/**
 * Stripe's evidence limits, each once. Bytes are decimal so the budget holds whichever way Stripe
 * reads "MB".
 */

/** Long text fields (access_activity_log, uncategorized_text…): 20,000 characters each (stripe-node 23.1.0 types). */
export const MAX_LONG_TEXT_CHARS = 20_000;
/** The other text fields (customer_name, billing_address…): 5,000 characters each (Stripe's spec maxLength). */
export const MAX_SHORT_TEXT_CHARS = 5_000;
/** One disputes.update carries at most 150,000 text characters in all; more fails the whole update. */
export const MAX_TOTAL_TEXT_CHARS = 150_000;
/** Files API, purpose dispute_evidence: 5 MB a file. */
export const MAX_FILE_BYTES = 5_000_000;
/** All files together: Stripe's best practice says 4.5 MB; the API was measured refusing near 4.8 MB. */
export const MAX_TOTAL_FILE_BYTES = 4_500_000;
/** Mastercard refuses evidence over 19 pages in all. */
export const MAX_PAGES_MASTERCARD = 19;
/** Stripe refuses 50 pages or more ("fewer than 50 pages"). */
export const MAX_PAGES = 49;
/** Stripe accepts only these file types, and checks the content, not the name. */
export const FILE_CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type FileContentType = (typeof FILE_CONTENT_TYPES)[number];
