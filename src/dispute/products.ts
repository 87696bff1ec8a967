/** The product of a set-up without a products file, and of every row stored before products existed (0009). */
export const DEFAULT_PRODUCT = 'default';
