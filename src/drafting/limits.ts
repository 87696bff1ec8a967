import { MAX_LONG_TEXT_CHARS } from '../dispute/limits.js';

/** The rebuttal goes in `uncategorized_text`, one of Stripe's long evidence fields. */
export const MAX_REBUTTAL_CHARS = MAX_LONG_TEXT_CHARS;

/** Stripe advises a concise rebuttal; an analyst reads the first screen, so aim for about one page. */
export const TARGET_REBUTTAL_CHARS = 2_500;
