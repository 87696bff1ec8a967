import { MAX_LONG_TEXT_CHARS } from '../../dispute/limits.js';
import { factSentence } from '../../i18n/facts.js';
import { policyInForceAt } from '../config.js';
import type { Fact, SourceResult } from '../types.js';
import { customerKeys, type EvidenceContext } from './context.js';

/** Longest policy text kept in a fact: what one of Stripe's long evidence fields holds. */
export const MAX_POLICY_CHARS = MAX_LONG_TEXT_CHARS;

/** What the business says about itself in `rebut.evidence.yml`: the product as sold and its policies. */
export async function gatherConfigEvidence(ctx: EvidenceContext): Promise<SourceResult> {
  const { business, policies } = ctx.config;
  const product = {
    name: business.name,
    website: business.website,
    support_email: business.support_email,
    product_description: business.product_description.trim(),
    merchandise_or_services: business.merchandise_or_services,
  };
  const facts: Fact[] = [
    {
      id: 'config.product',
      kind: 'product',
      text: factSentence('config.product', product, null),
      at: null,
      source: 'config',
      data: product,
    },
  ];
  // Each policy as it stood when the customer paid: a version that took effect later was not what they saw.
  const paidOn = customerKeys(ctx.dispute).chargeAt.slice(0, 10);
  for (const name of ['refund', 'cancellation', 'terms'] as const) {
    const configured = policies[name];
    const policy = configured && policyInForceAt(configured, paidOn);
    if (!policy) continue;
    const text = policy.text.length > MAX_POLICY_CHARS ? `${policy.text.slice(0, MAX_POLICY_CHARS)}…` : policy.text;
    const at = policy.effective ? `${policy.effective}T00:00:00.000Z` : null;
    const data = {
      policy: name,
      shown_at: policy.shown_at.join(','),
      shown_at_checkout: policy.shown_at.includes('checkout_page'),
      url: policy.url ?? null,
      effective: policy.effective ?? null,
      versioned: configured.versions.length > 1 || Boolean(policy.effective),
      paid_on: paidOn,
    };
    // The sentence ends where the policy's own words begin (POLICY_READS_MARKER): they are the business's, in its language.
    const fact = { id: `config.policy.${name}`, kind: 'policy' as const, at, source: 'config', data };
    facts.push({ ...fact, text: `${factSentence(fact.id, data, at)}${text}` });
  }
  return { source: 'config', facts, artefacts: [] };
}
