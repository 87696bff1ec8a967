import type Stripe from 'stripe';
import type { SampleCustomer } from './seed.js';

const DAY_MS = 86_400_000;

/** What the Stripe sandbox's `createDispute` returns that the business's records mirror. */
export interface StripeScenario {
  customer: Stripe.Customer;
  charge: Stripe.Charge;
  priorCharges: Stripe.Charge[];
}

/**
 * The Roomcraft customer behind a Stripe sandbox dispute: same email, name and Stripe customer,
 * signed up when the Stripe customer was created, with a checkout for every payment (linked by
 * charge id) so the business's records and Stripe's tell one story.
 */
export function sampleCustomerFor(
  scenario: StripeScenario,
  options: Partial<SampleCustomer> & { now?: Date } = {},
): SampleCustomer {
  const { now, ...overrides } = options;
  const nowMs = (now ?? new Date()).getTime();
  const daysAgo = (unix: number) => (nowMs - unix * 1000) / DAY_MS;
  const ip = scenario.charge.metadata?.ip;
  return {
    email: scenario.customer.email ?? `${scenario.customer.id}@example.com`,
    name: scenario.customer.name ?? 'Sample Customer',
    customerId: scenario.customer.id,
    signupDaysAgo: daysAgo(scenario.customer.created),
    ...(ip ? { ip } : {}),
    purchases: [...scenario.priorCharges, scenario.charge].map((charge) => ({
      daysAgo: daysAgo(charge.created),
      chargeId: charge.id,
      amount: charge.amount,
      currency: charge.currency,
    })),
    ...overrides,
  };
}
