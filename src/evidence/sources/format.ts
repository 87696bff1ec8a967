/** `49.00 USD` from minor units: the form the grounding check can find again in a draft. */
export { currencyDecimals, formatMoneyCode as formatAmount } from '../../money.js';
