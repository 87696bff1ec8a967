/** The product of a set-up without a products file, and of every row stored before products existed (0009). */
export const DEFAULT_PRODUCT = 'default';

/** A setting one value for every product, or each product's own (the products file may set it per product). */
export type ByProduct<T> = T | ((product: string) => T);

export function forProduct<T>(value: ByProduct<T>, product: string): T {
  return typeof value === 'function' ? (value as (product: string) => T)(product) : value;
}
