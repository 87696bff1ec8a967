import { DEFAULT_PRODUCT } from '../dispute/products.js';
import type { Group, Stats } from './summarise.js';

/**
 * Stats per product: which products there are to ask about, and which one a person
 * asked for. Pure; `knownProducts` in index.ts reads the products stored.
 */

/** A product as stats show it: its id (as typed in commands) and its display name. */
export interface ProductName {
  id: string;
  name: string;
}

export interface ProductStats extends ProductName {
  stats: Stats;
}

/** Every product on its own, and all of them together. */
export interface StatsByProduct {
  total: Stats;
  products: ProductStats[];
}

/**
 * Whose figures are shown: one product of several (`product`, named in the title), or all of them with a line each
 * (`products`). Neither: the one product there is, shown as before products existed.
 */
export interface StatsScope {
  product?: ProductName | undefined;
  products?: ProductStats[] | undefined;
}

/** A product's overall win rate as a group of the stats, keyed by its display name. */
export function productGroup(product: ProductStats): Group {
  return { key: product.name, disputes: product.stats.disputes, ...product.stats.winRate };
}

/**
 * The products stats know: those of the products file in its order, with their display names, then any other product
 * with disputes stored (a product since removed from the file, or `default` from before it), named by its id. Without
 * either, the one product of a set-up without a products file.
 */
export function mergeProducts(
  configured: readonly ProductName[] | undefined,
  stored: readonly string[],
): ProductName[] {
  const known = [...(configured ?? [])];
  for (const id of stored) if (!known.some((product) => product.id === id)) known.push({ id, name: id });
  return known.length > 0 ? known : [{ id: DEFAULT_PRODUCT, name: DEFAULT_PRODUCT }];
}

/**
 * What a person asked for: one product (`product`), all of them (`product: null`), or a product rebut does not know.
 * With a single product there is nothing to choose: naming it asks for what no name asks for.
 */
export type ProductChoice = { product: ProductName | null } | { unknown: string };

export function pickProduct(known: readonly ProductName[], typed: string | undefined): ProductChoice {
  if (typed === undefined) return { product: null };
  const product = known.find((candidate) => candidate.id === typed.toLowerCase());
  if (!product) return { unknown: typed };
  return { product: known.length > 1 ? product : null };
}

/** `interior (Roomcraft), photos (Snapwise)`: each id as `quote` writes it, with its name when it says more. */
export function productList(known: readonly ProductName[], quote: (id: string) => string): string {
  return known
    .map((product) => (product.name === product.id ? quote(product.id) : `${quote(product.id)} (${product.name})`))
    .join(', ');
}
