import { purchaseEventFor } from '../ce3.js';
import type { PolicyName } from '../config.js';
import type { Fact } from '../types.js';

/** How close an unlabelled event must be to the charge to stand for the purchase IP. */
export const PURCHASE_IP_WINDOW_MS = 30 * 60_000;

export const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);
export const time = (fact: Fact): number => (fact.at ? Date.parse(fact.at) : Number.NaN);
export const byTime = (a: Fact, b: Fact) => (a.at ?? '').localeCompare(b.at ?? '');

/** Everything a playbook asks of the facts, read once. */
export class CaseFacts {
  readonly byId: Map<string, Fact>;
  readonly charge: Fact | undefined;
  readonly chargeId: string | null;
  readonly chargeAt: number;
  readonly dispute: Fact | undefined;

  constructor(readonly facts: Fact[]) {
    this.byId = new Map(facts.map((fact) => [fact.id, fact]));
    this.charge = this.byId.get('stripe.charge');
    this.dispute = this.byId.get('stripe.dispute');
    this.chargeId = str(this.charge?.data?.charge_id);
    const at = this.charge?.at ?? null;
    this.chargeAt = at ? Date.parse(at) : Number.NaN;
  }

  kind(kind: Fact['kind']): Fact[] {
    return this.facts.filter((fact) => fact.kind === kind).sort(byTime);
  }

  /** Use after the payment: activity at or after the charge, not the checkout that made it. */
  activityAfterPayment(): Fact[] {
    return this.kind('activity').filter(
      (fact) =>
        (Number.isNaN(this.chargeAt) || time(fact) >= this.chargeAt) &&
        !(this.chargeId && fact.data?.charge_id === this.chargeId),
    );
  }

  activityBeforePayment(): Fact[] {
    if (Number.isNaN(this.chargeAt)) return [];
    return this.kind('activity').filter((fact) => time(fact) < this.chargeAt);
  }

  deliverables(): Fact[] {
    return this.kind('deliverable');
  }

  customerName(): { value: string; factId: string } | null {
    const candidates: [string, unknown][] = [
      ['stripe.charge.billing', this.byId.get('stripe.charge.billing')?.data?.name],
      ['stripe.customer.name', this.byId.get('stripe.customer.name')?.data?.name],
      ...this.facts
        .filter((fact) => fact.id.endsWith('.account.name'))
        .map((fact): [string, unknown] => [fact.id, fact.data?.name]),
    ];
    for (const [factId, value] of candidates) {
      const name = str(value);
      if (name) return { value: name, factId };
    }
    return null;
  }

  customerEmail(): { value: string; factId: string } | null {
    const candidates: [string, unknown][] = [
      ['stripe.charge', this.charge?.data?.email],
      ['stripe.customer', this.byId.get('stripe.customer')?.data?.email],
      ...this.kind('account').map((fact): [string, unknown] => [fact.id, fact.data?.email]),
    ];
    for (const [factId, value] of candidates) {
      const email = str(value);
      if (email) return { value: email, factId };
    }
    return null;
  }

  /** The purchase IP: recorded with the payment, or the checkout event that made it, or activity minutes from it. */
  purchaseIp(): { value: string; factId: string } | null {
    const recorded = str(this.charge?.data?.ip);
    if (recorded)
      return {
        value: recorded,
        factId: this.byId.has('stripe.charge.purchase_ip') ? 'stripe.charge.purchase_ip' : 'stripe.charge',
      };
    if (!this.chargeId || !this.charge?.at) return null;
    const checkout = purchaseEventFor(this.chargeId, this.charge.at, this.facts);
    const checkoutIp = str(checkout?.data?.ip);
    if (checkout && checkoutIp) return { value: checkoutIp, factId: checkout.id };
    let nearest: { fact: Fact; ip: string; distance: number } | null = null;
    for (const fact of this.kind('activity')) {
      const ip = str(fact.data?.ip);
      const distance = Math.abs(time(fact) - this.chargeAt);
      if (ip && distance <= PURCHASE_IP_WINDOW_MS && (!nearest || distance < nearest.distance))
        nearest = { fact, ip, distance };
    }
    return nearest ? { value: nearest.ip, factId: nearest.fact.id } : null;
  }

  policy(name: PolicyName): Fact | undefined {
    return this.byId.get(`config.policy.${name}`);
  }

  /** The customer's acceptance of a policy (or of the terms that include it), the first before the charge. */
  acceptanceOf(name: PolicyName): Fact | undefined {
    const acceptances = this.kind('policy_acceptance');
    const matches = (fact: Fact, wanted: string) =>
      String(fact.data?.policy ?? '')
        .toLowerCase()
        .includes(wanted);
    const beforeCharge = (fact: Fact) => Number.isNaN(this.chargeAt) || time(fact) <= this.chargeAt;
    return (
      acceptances.find((fact) => matches(fact, name) && beforeCharge(fact)) ??
      acceptances.find((fact) => matches(fact, 'terms') && beforeCharge(fact)) ??
      acceptances.find((fact) => matches(fact, name))
    );
  }

  subscription(): Fact | undefined {
    return this.byId.get('stripe.subscription');
  }

  /** A cancellation requested before this charge: the customer is right, and the issuer can see it. */
  cancelledBeforeCharge(): boolean {
    const canceledAt = str(this.subscription()?.data?.canceled_at);
    return Boolean(canceledAt && !Number.isNaN(this.chargeAt) && Date.parse(canceledAt) < this.chargeAt);
  }

  invoices(): Fact[] {
    return this.kind('invoice');
  }

  priorPayments(): Fact[] {
    return this.kind('prior_payment').filter((fact) => str(fact.data?.charge_id));
  }

  refundsIssued(): Fact[] {
    return this.kind('refund').filter((fact) => fact.data?.status !== 'failed' && fact.data?.status !== 'canceled');
  }

  /** Refunds made before the dispute was opened: the customer had the money back before asking the bank for it. */
  refundsBeforeDispute(): Fact[] {
    const opened = this.dispute?.at ? Date.parse(this.dispute.at) : Number.NaN;
    return this.refundsIssued().filter((fact) => Number.isNaN(opened) || time(fact) < opened);
  }

  /** The earlier charge a "duplicate" claim most likely points at: same amount, nearest in time. */
  duplicateCandidate(): Fact | null {
    const amount = this.charge?.data?.amount;
    const priors = this.priorPayments().filter((fact) => fact.data?.amount === amount);
    const sorted = priors.sort((a, b) => Math.abs(time(a) - this.chargeAt) - Math.abs(time(b) - this.chargeAt));
    return sorted[0] ?? null;
  }
}
