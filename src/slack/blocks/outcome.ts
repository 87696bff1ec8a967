// The reply in a case's thread once Stripe decides its dispute: the outcome in plain words, with the money.
import type { CaseOutcome } from '../../cases/outcome.js';
import { formatAmount } from './format.js';

/**
 * One or two sentences. Money figures come from the dispute's balance transactions only (`moneyMoved`); where there
 * are none, the disputed amount is named and no money movement or fee is claimed.
 */
export function outcomeText(view: Pick<CaseOutcome, 'outcome' | 'amount' | 'currency' | 'money'>): string {
  const { money } = view;
  const disputed = formatAmount(view.amount, view.currency);
  if (view.outcome === 'won') {
    const opening = ':white_check_mark: *Won.* The issuer decided this dispute for you.';
    if (!money || money.withdrawn === 0) return `${opening} The ${disputed} is yours.`;
    const back =
      money.reinstated > 0
        ? `${formatAmount(money.reinstated, money.currency)} came back to your Stripe balance`
        : `Stripe has not yet given back the ${formatAmount(money.withdrawn, money.currency)} it withdrew`;
    return `${opening} ${back}${wonFees(money)}.`;
  }
  const opening = ':x: *Lost.* The issuer decided this dispute for the customer.';
  if (!money || money.withdrawn === 0) return `${opening} The ${disputed} goes to the customer.`;
  const amount = money.withdrawn - money.reinstated;
  const fees = money.feesCharged - money.feesReturned;
  const lost = formatAmount(amount + fees, money.currency);
  return fees > 0
    ? `${opening} Lost in all: ${lost} (${formatAmount(amount, money.currency)} disputed and ${formatAmount(fees, money.currency)} in dispute fees).`
    : `${opening} Lost in all: ${lost}.`;
}

function wonFees(money: NonNullable<CaseOutcome['money']>): string {
  const charged = formatAmount(money.feesCharged, money.currency);
  if (money.feesCharged === 0) return '';
  if (money.feesReturned >= money.feesCharged) return `, and the ${charged} in dispute fees with it`;
  if (money.feesReturned > 0) {
    return `, and ${formatAmount(money.feesReturned, money.currency)} of the ${charged} in dispute fees`;
  }
  return `; Stripe has not given back the ${charged} dispute fee`;
}
