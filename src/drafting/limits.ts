import { MAX_LONG_TEXT_CHARS } from '../dispute/limits.js';

/** The rebuttal goes in `uncategorized_text`, one of Stripe's long evidence fields. */
export const MAX_REBUTTAL_CHARS = MAX_LONG_TEXT_CHARS;

/**
 * The rebuttal's length by default (REBUT_REBUTTAL_MAX_CHARS): the template's ceiling and the model's target. An
 * issuer's analyst gives a file about 90 seconds; 1,500 characters is what they read in that time. Long lists
 * (every login, every download) belong in the files.
 */
export const DEFAULT_REBUTTAL_MAX_CHARS = 1_500;

/** Below this the dispute's own sentence and the closing leave no room for a single fact. */
export const MIN_REBUTTAL_MAX_CHARS = 500;
