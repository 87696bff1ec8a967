// Each product's Stripe client (its own account and key). A product rebut does not know is an error, never the
// default product's client: one product's dispute is never read or answered with another's key.
import type Stripe from 'stripe';
import type { Product } from './config.js';

export interface ProductClients {
  /** The Stripe client of `product`; throws for a product not configured. */
  stripe(product: string): Stripe;
}

export function productClients(products: readonly Product[], create: (product: Product) => Stripe): ProductClients {
  const clients = new Map(products.map((product) => [product.id, create(product)]));
  return {
    stripe(product) {
      const client = clients.get(product);
      if (!client) throw new Error(`no product ${product} is configured (PRODUCTS_CONFIG): its dispute is left alone`);
      return client;
    },
  };
}

/** The Stripe client for a product's dispute: the product's own where products are given, else the one client. */
export function stripeFor(deps: { stripe: Stripe; products?: ProductClients | undefined }, product: string): Stripe {
  return deps.products ? deps.products.stripe(product) : deps.stripe;
}
