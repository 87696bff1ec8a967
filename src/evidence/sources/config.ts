import { MAX_LONG_TEXT_CHARS } from '../../dispute/limits.js';
import { type PolicyName, policyInForceAt } from '../config.js';
import type { Fact, SourceResult } from '../types.js';
import { customerKeys, type EvidenceContext } from './context.js';

/** Longest policy text kept in a fact: what one of Stripe's long evidence fields holds. */
export const MAX_POLICY_CHARS = MAX_LONG_TEXT_CHARS;

const POLICY_TITLE: Record<PolicyName, string> = {
  refund: 'Refund policy',
  cancellation: 'Cancellation policy',
  terms: 'Terms of service',
};

/** What the business says about itself in `rebut.evidence.yml`: the product as sold and its policies. */
export async function gatherConfigEvidence(ctx: EvidenceContext): Promise<SourceResult> {
  const { business, policies } = ctx.config;
  const facts: Fact[] = [
    {
      id: 'config.product',
      kind: 'product',
      text: `${business.name} (${business.website}): ${business.product_description.trim()} Support: ${business.support_email}.`,
      at: null,
      source: 'config',
      data: {
        name: business.name,
        website: business.website,
        support_email: business.support_email,
        product_description: business.product_description.trim(),
        merchandise_or_services: business.merchandise_or_services,
      },
    },
  ];
  // Each policy as it stood when the customer paid: a version that took effect later was not what they saw.
  const paidOn = customerKeys(ctx.dispute).chargeAt.slice(0, 10);
  for (const name of ['refund', 'cancellation', 'terms'] as const) {
    const configured = policies[name];
    const policy = configured && policyInForceAt(configured, paidOn);
    if (!policy) continue;
    const versioned = configured.versions.length > 1 || Boolean(policy.effective);
    const shown = policy.shown_at.map((place) => place.replaceAll('_', ' ')).join(', ');
    const text = policy.text.length > MAX_POLICY_CHARS ? `${policy.text.slice(0, MAX_POLICY_CHARS)}…` : policy.text;
    facts.push({
      id: `config.policy.${name}`,
      kind: 'policy',
      text:
        `${POLICY_TITLE[name]}${versioned && policy.effective ? ` (the version in force when the customer paid on ${paidOn}, in effect since ${policy.effective})` : ''}, shown to customers on: ${shown}` +
        `${policy.url ? `; published at ${policy.url}` : ''}. It reads: ${text}`,
      at: policy.effective ? `${policy.effective}T00:00:00.000Z` : null,
      source: 'config',
      data: {
        policy: name,
        shown_at: policy.shown_at.join(','),
        shown_at_checkout: policy.shown_at.includes('checkout_page'),
        url: policy.url ?? null,
        effective: policy.effective ?? null,
      },
    });
  }
  return { source: 'config', facts, artefacts: [] };
}
