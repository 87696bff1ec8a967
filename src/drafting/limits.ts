/** Stripe's limit for `uncategorized_text` and the other long evidence fields. */
export const MAX_REBUTTAL_CHARS = 20_000;

/** Stripe advises a concise rebuttal; an analyst reads the first screen, so aim for about one page. */
export const TARGET_REBUTTAL_CHARS = 2_500;
