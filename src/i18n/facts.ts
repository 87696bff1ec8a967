import type { Fact, FactIdPattern } from '../dispute/facts.js';
import { patternOfFactId } from '../dispute/facts.js';
import { type Language, LOCALES } from '../dispute/language.js';
import { formatMoneyCode, formatMoneyWithCode } from '../money.js';
import { TEXT_FIELD_WORDS } from './text-fields.js';

/**
 * The facts' own sentences in each language the bank may read (docs/architecture.md → "The reader's language"). A
 * source stores its facts in English, written by `FACT_SENTENCES.en` from the fact's `data`; a case's files and its
 * fact sheet use the same data, written by the reader's language's sentence (`localizeFacts`). So a translation says
 * what the English says, from the same values, and never from the English text: amounts in the language's number
 * format with the ISO code (`49,00 USD`), times and dates as ISO (`2026-03-04 14:05 UTC`), ids, IPs, names, event
 * names and anything the customer or the business typed exactly as stored. A fact stored before a value its sentence
 * needs was kept keeps its English sentence.
 */

type Data = Readonly<Record<string, string | number | boolean | null>>;

/** A value a sentence needs is not in the fact's data (a fact stored by an older rebut). */
class MissingValue extends Error {}

/** A fact's data, read as a sentence needs it. A key the data lacks altogether ends the sentence (`MissingValue`). */
export class FactValues {
  constructor(
    private readonly data: Data,
    /** When the fact happened (ISO 8601). */
    readonly at: string | null,
  ) {}

  private value(key: string): string | number | boolean | null {
    if (!(key in this.data)) throw new MissingValue(key);
    return this.data[key] ?? null;
  }

  /** A string the sentence cannot do without. */
  text(key: string): string {
    const value = this.value(key);
    if (typeof value !== 'string' || value === '') throw new MissingValue(key);
    return value;
  }

  /** A string, or null when the fact has none (empty counts as none). */
  maybe(key: string): string | null {
    const value = this.value(key);
    return typeof value === 'string' && value !== '' ? value : null;
  }

  number(key: string): number {
    const value = this.value(key);
    if (typeof value !== 'number') throw new MissingValue(key);
    return value;
  }

  maybeNumber(key: string): number | null {
    const value = this.value(key);
    return typeof value === 'number' ? value : null;
  }

  flag(key: string): boolean {
    return this.value(key) === true;
  }

  /** When the fact happened; required. */
  when(): string {
    if (!this.at) throw new MissingValue('at');
    return this.at;
  }
}

/** One fact's sentence, written from its values. */
type FactSentence = (v: FactValues) => string;

/** Every sentence a fact's source writes, by the fact vocabulary's pattern (src/dispute/facts.ts). */
type FactSentences = Record<FactIdPattern, FactSentence>;

/** `2026-03-04T14:05:09.000Z` → `2026-03-04 14:05 UTC`: as every language writes a time in the evidence. */
export function factTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `2026-03-04T14:05:09.000Z` → `2026-03-04`. */
function factDate(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * Where a policy was shown, as a phrase that follows "shown" (the text fields' words, i18n/text-fields.ts); a place the
 * business names that rebut has no words for is said as it is.
 */
const placeIn = (language: Language, place: string): string =>
  (TEXT_FIELD_WORDS[language].policy.places as Readonly<Record<string, string>>)[place] ??
  TEXT_FIELD_WORDS[language].policy.otherPlace(spaced(place));

/** A code as words where a language has none of its own: `requested_by_customer` → `requested by customer`. */
const spaced = (code: string): string => code.replaceAll('_', ' ');
/** A code in the language's words, or spaced when it has none. */
const term = (words: Readonly<Record<string, string>>, code: string): string => words[code] ?? spaced(code);

const amountIn =
  (language: Language) =>
  (v: FactValues, key: string, currencyKey = 'currency') =>
    language === 'en'
      ? formatMoneyCode(v.number(key), v.text(currencyKey))
      : formatMoneyWithCode(v.number(key), v.text(currencyKey), LOCALES[language]);

const BRAND_NAMES: Readonly<Record<string, string>> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  jcb: 'JCB',
  diners: 'Diners Club',
  unionpay: 'UnionPay',
  cartes_bancaires: 'Cartes Bancaires',
  eftpos_au: 'eftpos',
};
const networkName = (brand: string | null): string => (brand ? (BRAND_NAMES[brand] ?? brand) : 'network');

/** A customer's or a business's typed value in a sentence: the fact's `*_shown` data holds it as it was shown. */
const shownIn = (v: FactValues, key: string): string | null => v.maybe(`${key}_shown`);

/** The policy's own text, after the sentence's `reads` marker; kept out of `data` so it is stored once. */
function policyText(fact: Fact): string | null {
  const marker = fact.text.indexOf(POLICY_READS_MARKER);
  return marker < 0 ? null : fact.text.slice(marker + POLICY_READS_MARKER.length);
}
/** Where the English policy sentence's quotation of the policy starts. */
export const POLICY_READS_MARKER = '. It reads: ';

/** What a language says of the values Stripe reports as codes; a code not listed is shown spaced. */
interface Terms {
  chargeStatus: Record<string, string>;
  check: Record<string, string>;
  notChecked: string;
  cvcMeaning: Record<string, string>;
  secureResult: Record<string, string>;
  secureFlow: Record<string, string>;
  riskLevel: Record<string, string>;
  funding: Record<string, string>;
  intentStatus: Record<string, string>;
  refundStatus: Record<string, string>;
  refundReason: Record<string, string>;
  invoiceStatus: Record<string, string>;
  billingReason: Record<string, string>;
  subscriptionStatus: Record<string, string>;
  interval: Record<string, string>;
  cancellationReason: Record<string, string>;
  policyTitles: Record<string, string>;
}

const EN_TERMS: Terms = {
  chargeStatus: {},
  check: {},
  notChecked: 'not checked',
  cvcMeaning: {
    pass: 'the person paying entered the correct security code',
    fail: 'the security code entered was wrong, yet the issuer authorised the payment',
    unavailable: 'the issuer did not check the security code',
    unchecked: 'the security code was given but the issuer did not check it',
  },
  secureResult: {},
  secureFlow: {},
  riskLevel: {},
  funding: {},
  intentStatus: {},
  refundStatus: {},
  refundReason: {},
  invoiceStatus: {},
  billingReason: {
    subscription_create: 'the first invoice of the subscription',
    subscription_cycle: 'a renewal of the subscription',
    subscription_update: 'a change to the subscription',
    subscription_threshold: 'a usage threshold of the subscription',
    manual: 'a manual invoice',
  },
  subscriptionStatus: {
    trialing: 'in its trial period',
    incomplete_expired: 'expired before its first payment',
  },
  interval: {},
  cancellationReason: {},
  policyTitles: { refund: 'Refund policy', cancellation: 'Cancellation policy', terms: 'Terms of service' },
};

/** English: the sentences the sources store, written from their data (Stripe's codes as English words). */
function englishSentences(): FactSentences {
  const amount = amountIn('en');
  const t = EN_TERMS;
  return {
    'stripe.dispute': (v) => {
      const code = v.maybe('network_reason_code');
      const due = v.maybe('due_by');
      return (
        `Dispute ${v.text('dispute_id')}: ${v.text('status').startsWith('warning_') ? 'an inquiry' : 'a chargeback'} over ${amount(v, 'amount')}` +
        ` with reason "${v.text('reason')}"${code ? ` (${networkName(v.maybe('brand'))} reason code ${code})` : ''}, opened on ${factTime(v.text('created'))}` +
        `${due ? `; evidence is due by ${factTime(due)}` : ''}.`
      );
    },
    'stripe.charge': (v) => {
      const description = v.maybe('description');
      const descriptor = v.maybe('statement_descriptor');
      const refunded = v.number('amount_refunded');
      return (
        `Charge ${v.text('charge_id')} of ${amount(v, 'amount')} ${v.text('status')} on ${factTime(v.text('created'))}` +
        `${description ? ` for "${description}"` : ''}` +
        `${descriptor ? `; it appeared on the statement as "${descriptor}"` : ''}` +
        `${refunded > 0 ? `; ${amount(v, 'amount_refunded')} of it has been refunded` : ''}.`
      );
    },
    'stripe.charge.card': (v) => {
      const wallet = v.maybe('wallet');
      const country = v.maybe('country');
      const fingerprint = v.maybe('fingerprint');
      const network = v.maybe('network');
      const funding = v.maybe('funding');
      return (
        `Paid with a ${v.maybe('brand') ?? 'card'}${funding ? ` ${funding}` : ''} card ending ${v.maybe('last4') ?? '????'}` +
        `${country ? ` issued in ${country}` : ''}${wallet ? ` via ${spaced(wallet)}` : ''}` +
        `${fingerprint ? `, card fingerprint ${fingerprint}` : ''}${network ? `, processed on the ${network} network` : ''}.`
      );
    },
    'stripe.charge.purchase_ip': (v) =>
      `The purchase was made from IP address ${v.text('ip')} (recorded with the payment).`,
    'stripe.charge.receipt': (v) => {
      const number = v.maybe('receipt_number');
      const email = v.maybe('receipt_email');
      return `A receipt${number ? ` (number ${number})` : ''} was issued${email ? ` and emailed to ${email}` : ''}.`;
    },
    'stripe.charge.billing': (v) => {
      const parts = [
        v.maybe('name') ? `name "${v.maybe('name')}"` : null,
        v.maybe('email') ? `email ${v.maybe('email')}` : null,
        v.maybe('address') ? `address "${v.maybe('address')}"` : null,
      ].filter(Boolean);
      return `Billing details entered with the payment: ${parts.join(', ')}.`;
    },
    'stripe.charge.shipping': (v) => `Shipping address given with the payment: "${v.text('address')}".`,
    'stripe.charge.avs': (v) =>
      `Address verification (AVS): street address ${v.maybe('address_line1_check') ?? t.notChecked}, postal code ${v.maybe('address_postal_code_check') ?? t.notChecked}.`,
    'stripe.charge.cvc': (v) => {
      const check = v.text('cvc_check');
      return `CVC check: ${check}${t.cvcMeaning[check] ? ` (${t.cvcMeaning[check]})` : ''}.`;
    },
    'stripe.charge.3ds': (v) => {
      const version = v.maybe('version');
      const flow = v.maybe('authentication_flow');
      return (
        `3-D Secure${version ? ` ${version}` : ''}: ${term(t.secureResult, v.maybe('result') ?? 'no result')}` +
        `${flow ? ` (${term(t.secureFlow, flow)} flow)` : ''}` +
        `${v.flag('liability_shift') ? '; the cardholder was authenticated by the issuer, which shifts fraud liability to the issuer' : ''}.`
      );
    },
    'stripe.charge.risk': (v) => {
      const level = v.maybe('risk_level');
      const score = v.maybeNumber('risk_score');
      const status = v.maybe('network_status');
      return (
        `${level ? `Stripe Radar rated the payment ${level} risk${score !== null ? ` (score ${score} of 100)` : ''}` : 'Stripe Radar gave no risk rating'}` +
        `${status ? `; ${status === 'approved_by_network' ? 'the card issuer approved it' : `network status ${spaced(status)}`}` : ''}.`
      );
    },
    'stripe.payment_intent': (v) => {
      const received = v.maybeNumber('amount_received');
      return (
        `Payment intent ${v.text('payment_intent_id')} was created on ${factTime(v.text('created'))} and its status is ${term(t.intentStatus, v.text('status'))}` +
        `${received ? `, ${amount(v, 'amount_received')} received` : ''}.`
      );
    },
    'stripe.customer': (v) => {
      const email = v.maybe('email');
      return `Stripe customer ${v.text('customer_id')}${email ? ` (${email})` : ''} has been a customer since ${factDate(v.text('created'))}.`;
    },
    'stripe.customer.name': (v) => `The name on Stripe customer ${v.text('customer_id')} is "${v.text('name')}".`,
    'stripe.refund.{id}': (v) => {
      const reason = v.maybe('reason');
      const status = v.maybe('status');
      return `Refund ${v.text('refund_id')} of ${amount(v, 'amount')} (${status ? term(t.refundStatus, status) : 'unknown status'}) on ${factTime(v.text('created'))}${reason ? `, reason: ${term(t.refundReason, reason)}` : ''}.`;
    },
    'stripe.invoice.{id}': (v) => {
      const paidAt = v.maybe('paid_at');
      const reason = v.maybe('billing_reason');
      const subscription = v.maybe('subscription_id');
      return (
        `Invoice ${v.maybe('number') ?? v.text('invoice_id')} for ${amount(v, 'amount_paid')}` +
        `${paidAt ? ` paid on ${factDate(paidAt)}` : ` (${term(t.invoiceStatus, v.maybe('status') ?? '')})`}` +
        // A reason without English words of its own is named as Stripe's: ", billing reason: quote accept".
        `${reason ? `, ${t.billingReason[reason] ?? `billing reason: ${spaced(reason)}`}` : ''}` +
        `, covering ${factDate(v.text('period_start'))} to ${factDate(v.text('period_end'))}` +
        `${subscription ? ` of subscription ${subscription}` : ''}.`
      );
    },
    'stripe.subscription': (v) => {
      const canceledAt = v.maybe('canceled_at');
      const endedAt = v.maybe('ended_at');
      const cancelAt = v.maybe('cancel_at');
      const periodEnd = v.maybe('current_period_end');
      const interval = v.maybe('interval');
      const reason = v.maybe('cancellation_reason');
      const state = canceledAt
        ? `cancellation was requested on ${factTime(canceledAt)}${endedAt ? ` and it ended on ${factDate(endedAt)}` : cancelAt ? `, effective ${factDate(cancelAt)}` : ''}`
        : v.flag('cancel_at_period_end')
          ? `it is set to end at the close of the current period${periodEnd ? ` (${factDate(periodEnd)})` : ''}`
          : 'no cancellation has been requested';
      return (
        `Subscription ${v.text('subscription_id')}${interval ? ` (billed every ${interval})` : ''} started on ${factDate(v.text('start_date'))} and is ${term(t.subscriptionStatus, v.text('status'))}; ${state}` +
        `${reason ? ` (cancellation reason: ${spaced(reason)})` : ''}.`
      );
    },
    'stripe.subscription.cancellation_comment': (v) => `When cancelling, the customer wrote: "${v.text('comment')}".`,
    'stripe.prior.summary': (v) => {
      const count = v.number('count');
      const same = v.number('same_card_count');
      const first = v.maybe('first_at');
      return (
        `The customer made ${count} earlier payment${count === 1 ? '' : 's'} since ${first ? factDate(first) : 'signing up'}` +
        `${same > 0 ? ` (${same} with the same card)` : ''}, none of them disputed or refunded.`
      );
    },
    'stripe.prior.{id}': (v) => {
      const last4 = v.maybe('card_last4');
      const brand = v.maybe('card_brand');
      return (
        `Earlier payment ${v.text('charge_id')} of ${amount(v, 'amount')} on ${factTime(v.text('created'))}` +
        `${v.flag('same_card') ? ` with the same card (${brand ?? 'card'} ending ${last4 ?? '????'})` : last4 ? ` with a ${brand ?? ''} card ending ${last4}` : ''}` +
        ': paid, never disputed or refunded.'
      );
    },
    'config.product': (v) =>
      `${v.text('name')} (${v.text('website')}): ${v.text('product_description')} Support: ${v.text('support_email')}.`,
    'config.policy.{policy}': (v) => policySentence(v, 'en'),
    '{rows}.account': (v) => {
      const email = v.maybe('email');
      const created = v.maybe('created_at');
      const details = [
        v.maybe('plan') ? `plan ${v.maybe('plan')}` : null,
        v.maybe('status') ? `status ${v.maybe('status')}` : null,
      ].filter(Boolean);
      return (
        `Account ${v.maybe('account_id') ?? ''}${email ? ` (${email})` : ''} ${created ? `was opened on ${factDate(created)}` : 'exists'}` +
        `${details.length ? `, ${details.join(', ')}` : ''}.`
      );
    },
    '{rows}.account.name': (v) =>
      `The account holder's name on account ${v.maybe('account_id') ?? ''} is ${v.text('name_shown')}.`,
    '{rows}.activity.{n}': (v) => {
      const ip = v.maybe('ip');
      const device = v.maybe('device_id') ?? v.maybe('device_fingerprint');
      const detail = shownIn(v, 'detail');
      return `${factTime(v.when())}: ${v.text('event')}${ip ? ` from IP ${ip}` : ''}${device ? ` on device ${device}` : ''}${detail ? ` (${detail})` : ''}.`;
    },
    '{rows}.deliverable.{id}': (v) => {
      const prompt = shownIn(v, 'prompt');
      const description = shownIn(v, 'description');
      return (
        `${factTime(v.when())}: delivered ${shownIn(v, 'title') ?? 'a deliverable'}` +
        `${prompt ? `, made from the customer's request ${prompt}` : ''}` +
        `${description ? ` — ${description}` : ''}${v.maybe('image') ? ' (image attached)' : ''}.`
      );
    },
    '{rows}.communication.{n}': (v) => {
      const who =
        v.maybe('direction') === 'inbound'
          ? 'the customer wrote'
          : `${v.maybe('business_name') ?? 'the business'} wrote to the customer`;
      const channel = v.maybe('channel');
      const subject = shownIn(v, 'subject');
      return `${factTime(v.when())}: ${who}${channel ? ` by ${channel}` : ''}${subject ? `, subject ${subject}` : ''}: ${shownIn(v, 'body') ?? ''}`;
    },
    '{rows}.policy_acceptance.{n}': (v) => {
      const version = v.maybe('version');
      const shownAt = v.maybe('shown_at');
      const ip = v.maybe('ip');
      return (
        `${factTime(v.when())}: the customer accepted the ${v.text('policy')} policy` +
        `${version ? ` (version ${version})` : ''}` +
        `${shownAt ? ` shown on the ${spaced(shownAt)}` : ''}${ip ? ` from IP ${ip}` : ''}.`
      );
    },
  };
}

/** The policy sentence's frame; the policy's own text follows `reads` in every language. */
interface PolicyWords {
  versioned: (paidOn: string, effective: string) => string;
  shown: (places: string) => string;
  published: (url: string) => string;
  reads: string;
}

const POLICY_WORDS: Record<Language, PolicyWords> = {
  en: {
    versioned: (paidOn, effective) =>
      ` (the version in force when the customer paid on ${paidOn}, in effect since ${effective})`,
    shown: (places) => `, shown to customers on: ${places}`,
    published: (url) => `; published at ${url}`,
    reads: POLICY_READS_MARKER,
  },
  fr: {
    versioned: (paidOn, effective) =>
      ` (la version en vigueur lorsque le client a payé le ${paidOn}, en vigueur depuis le ${effective})`,
    shown: (places) => `, présentée aux clients : ${places}`,
    published: (url) => ` ; publiée à l'adresse ${url}`,
    reads: '. Elle dit : ',
  },
  de: {
    versioned: (paidOn, effective) =>
      ` (die Fassung, die galt, als der Kunde am ${paidOn} bezahlte, in Kraft seit ${effective})`,
    shown: (places) => `, den Kunden angezeigt: ${places}`,
    published: (url) => `; veröffentlicht unter ${url}`,
    reads: '. Wortlaut: ',
  },
  es: {
    versioned: (paidOn, effective) =>
      ` (la versión vigente cuando el cliente pagó el ${paidOn}, en vigor desde el ${effective})`,
    shown: (places) => `, mostrada a los clientes: ${places}`,
    published: (url) => `; publicada en ${url}`,
    reads: '. Dice: ',
  },
};

/** The text is the policy's own: it is taken from the sentence (`policyText`), so `policySentence` has it as `reads`. */
function policySentence(v: FactValues, language: Language, reads?: string): string {
  const words = POLICY_WORDS[language];
  const terms = TERMS[language];
  const policy = v.text('policy');
  const effective = v.maybe('effective');
  const paidOn = v.maybe('paid_on');
  const places = v
    .text('shown_at')
    .split(',')
    .filter(Boolean)
    .map((place) => (language === 'en' ? spaced(place) : placeIn(language, place)))
    .join(', ');
  const url = v.maybe('url');
  return (
    `${term(terms.policyTitles, policy)}${v.flag('versioned') && effective && paidOn ? words.versioned(paidOn, effective) : ''}` +
    `${words.shown(places)}${url ? words.published(url) : ''}${words.reads}${reads ?? ''}`
  );
}

const FR_TERMS: Terms = {
  chargeStatus: { succeeded: 'réussi', pending: 'en attente', failed: 'échoué' },
  check: { pass: 'concordant', fail: 'non concordant', unavailable: 'non disponible', unchecked: 'non vérifié' },
  notChecked: 'non vérifié',
  cvcMeaning: {
    pass: 'la personne qui a payé a saisi le bon code de sécurité',
    fail: "le code de sécurité saisi était erroné, mais l'émetteur a autorisé le paiement",
    unavailable: "l'émetteur n'a pas vérifié le code de sécurité",
    unchecked: "le code de sécurité a été fourni, mais l'émetteur ne l'a pas vérifié",
  },
  secureResult: {
    authenticated: 'authentifié',
    attempt_acknowledged: 'tentative reconnue',
    failed: 'échec',
    exempted: 'exempté',
    not_supported: 'non pris en charge',
    processing_error: 'erreur de traitement',
  },
  secureFlow: { challenge: 'avec défi', frictionless: 'sans friction' },
  riskLevel: {
    normal: 'normal',
    elevated: 'élevé',
    highest: 'le plus élevé',
    not_assessed: 'non évalué',
    unknown: 'inconnu',
  },
  funding: { credit: 'de crédit', debit: 'de débit', prepaid: 'prépayée', unknown: 'de type inconnu' },
  intentStatus: {
    succeeded: 'réussi',
    processing: 'en cours de traitement',
    canceled: 'annulé',
    requires_capture: 'en attente de capture',
    requires_action: 'en attente d’une action',
    requires_payment_method: 'en attente d’un moyen de paiement',
    requires_confirmation: 'en attente de confirmation',
  },
  refundStatus: {
    succeeded: 'effectué',
    pending: 'en attente',
    failed: 'échoué',
    canceled: 'annulé',
    requires_action: 'en attente d’une action',
  },
  refundReason: {
    duplicate: 'paiement en double',
    fraudulent: 'frauduleux',
    requested_by_customer: 'demandé par le client',
    expired_uncaptured_charge: 'paiement non capturé expiré',
  },
  invoiceStatus: {
    draft: 'brouillon',
    open: 'ouverte',
    paid: 'payée',
    uncollectible: 'irrécouvrable',
    void: 'annulée',
  },
  billingReason: {
    subscription_create: "création de l'abonnement",
    subscription_cycle: "renouvellement de l'abonnement",
    subscription_update: "modification de l'abonnement",
    subscription_threshold: "seuil de l'abonnement",
    manual: 'facture manuelle',
  },
  subscriptionStatus: {
    active: 'actif',
    canceled: 'résilié',
    past_due: 'en retard de paiement',
    trialing: "en période d'essai",
    unpaid: 'impayé',
    incomplete: 'incomplet',
    incomplete_expired: 'incomplet, expiré',
    paused: 'en pause',
  },
  interval: { day: 'jour', week: 'semaine', month: 'mois', year: 'année' },
  cancellationReason: {
    cancellation_requested: 'résiliation demandée',
    payment_disputed: 'paiement contesté',
    payment_failed: 'paiement échoué',
  },
  policyTitles: {
    refund: 'Politique de remboursement',
    cancellation: "Politique d'annulation",
    terms: "Conditions d'utilisation",
  },
};

const DE_TERMS: Terms = {
  chargeStatus: { succeeded: 'erfolgreich', pending: 'ausstehend', failed: 'fehlgeschlagen' },
  check: { pass: 'bestanden', fail: 'nicht bestanden', unavailable: 'nicht verfügbar', unchecked: 'nicht geprüft' },
  notChecked: 'nicht geprüft',
  cvcMeaning: {
    pass: 'die zahlende Person hat den richtigen Sicherheitscode eingegeben',
    fail: 'der eingegebene Sicherheitscode war falsch, dennoch hat der Kartenherausgeber die Zahlung autorisiert',
    unavailable: 'der Kartenherausgeber hat den Sicherheitscode nicht geprüft',
    unchecked: 'der Sicherheitscode wurde angegeben, aber vom Kartenherausgeber nicht geprüft',
  },
  secureResult: {
    authenticated: 'authentifiziert',
    attempt_acknowledged: 'Versuch bestätigt',
    failed: 'fehlgeschlagen',
    exempted: 'ausgenommen',
    not_supported: 'nicht unterstützt',
    processing_error: 'Verarbeitungsfehler',
  },
  secureFlow: { challenge: 'Challenge-Verfahren', frictionless: 'reibungsloses Verfahren' },
  riskLevel: {
    normal: 'normal',
    elevated: 'erhöht',
    highest: 'am höchsten',
    not_assessed: 'nicht bewertet',
    unknown: 'unbekannt',
  },
  funding: { credit: 'Kreditkarte', debit: 'Debitkarte', prepaid: 'Prepaid-Karte', unknown: 'Kartenart unbekannt' },
  intentStatus: {
    succeeded: 'erfolgreich',
    processing: 'in Bearbeitung',
    canceled: 'storniert',
    requires_capture: 'wartet auf Erfassung',
    requires_action: 'wartet auf eine Aktion',
    requires_payment_method: 'wartet auf eine Zahlungsmethode',
    requires_confirmation: 'wartet auf Bestätigung',
  },
  refundStatus: {
    succeeded: 'durchgeführt',
    pending: 'ausstehend',
    failed: 'fehlgeschlagen',
    canceled: 'storniert',
    requires_action: 'wartet auf eine Aktion',
  },
  refundReason: {
    duplicate: 'doppelte Zahlung',
    fraudulent: 'betrügerisch',
    requested_by_customer: 'auf Wunsch des Kunden',
    expired_uncaptured_charge: 'abgelaufene, nicht erfasste Zahlung',
  },
  invoiceStatus: {
    draft: 'Entwurf',
    open: 'offen',
    paid: 'bezahlt',
    uncollectible: 'uneinbringlich',
    void: 'storniert',
  },
  billingReason: {
    subscription_create: 'Abschluss des Abonnements',
    subscription_cycle: 'Verlängerung des Abonnements',
    subscription_update: 'Änderung des Abonnements',
    subscription_threshold: 'Schwellenwert des Abonnements',
    manual: 'manuelle Rechnung',
  },
  subscriptionStatus: {
    active: 'aktiv',
    canceled: 'gekündigt',
    past_due: 'überfällig',
    trialing: 'in der Testphase',
    unpaid: 'unbezahlt',
    incomplete: 'unvollständig',
    incomplete_expired: 'unvollständig, abgelaufen',
    paused: 'pausiert',
  },
  interval: { day: 'täglich', week: 'wöchentlich', month: 'monatlich', year: 'jährlich' },
  cancellationReason: {
    cancellation_requested: 'Kündigung beantragt',
    payment_disputed: 'Zahlung beanstandet',
    payment_failed: 'Zahlung fehlgeschlagen',
  },
  policyTitles: {
    refund: 'Erstattungsrichtlinie',
    cancellation: 'Kündigungsrichtlinie',
    terms: 'Nutzungsbedingungen',
  },
};

const ES_TERMS: Terms = {
  chargeStatus: { succeeded: 'completado', pending: 'pendiente', failed: 'fallido' },
  check: { pass: 'correcto', fail: 'incorrecto', unavailable: 'no disponible', unchecked: 'no verificado' },
  notChecked: 'no verificado',
  cvcMeaning: {
    pass: 'la persona que pagó introdujo el código de seguridad correcto',
    fail: 'el código de seguridad introducido era incorrecto, pero el emisor autorizó el pago',
    unavailable: 'el emisor no verificó el código de seguridad',
    unchecked: 'se facilitó el código de seguridad, pero el emisor no lo verificó',
  },
  secureResult: {
    authenticated: 'autenticado',
    attempt_acknowledged: 'intento reconocido',
    failed: 'fallido',
    exempted: 'exento',
    not_supported: 'no compatible',
    processing_error: 'error de procesamiento',
  },
  secureFlow: { challenge: 'con desafío', frictionless: 'sin fricción' },
  riskLevel: {
    normal: 'normal',
    elevated: 'elevado',
    highest: 'el más alto',
    not_assessed: 'no evaluado',
    unknown: 'desconocido',
  },
  funding: { credit: 'de crédito', debit: 'de débito', prepaid: 'prepago', unknown: 'de tipo desconocido' },
  intentStatus: {
    succeeded: 'completado',
    processing: 'en proceso',
    canceled: 'cancelado',
    requires_capture: 'pendiente de captura',
    requires_action: 'pendiente de una acción',
    requires_payment_method: 'pendiente de un método de pago',
    requires_confirmation: 'pendiente de confirmación',
  },
  refundStatus: {
    succeeded: 'completado',
    pending: 'pendiente',
    failed: 'fallido',
    canceled: 'cancelado',
    requires_action: 'pendiente de una acción',
  },
  refundReason: {
    duplicate: 'pago duplicado',
    fraudulent: 'fraudulento',
    requested_by_customer: 'solicitado por el cliente',
    expired_uncaptured_charge: 'cargo no capturado vencido',
  },
  invoiceStatus: { draft: 'borrador', open: 'abierta', paid: 'pagada', uncollectible: 'incobrable', void: 'anulada' },
  billingReason: {
    subscription_create: 'alta de la suscripción',
    subscription_cycle: 'renovación de la suscripción',
    subscription_update: 'cambio de la suscripción',
    subscription_threshold: 'umbral de la suscripción',
    manual: 'factura manual',
  },
  subscriptionStatus: {
    active: 'activa',
    canceled: 'cancelada',
    past_due: 'con pagos vencidos',
    trialing: 'en periodo de prueba',
    unpaid: 'impagada',
    incomplete: 'incompleta',
    incomplete_expired: 'incompleta, vencida',
    paused: 'en pausa',
  },
  interval: { day: 'día', week: 'semana', month: 'mes', year: 'año' },
  cancellationReason: {
    cancellation_requested: 'cancelación solicitada',
    payment_disputed: 'pago disputado',
    payment_failed: 'pago fallido',
  },
  policyTitles: {
    refund: 'Política de reembolso',
    cancellation: 'Política de cancelación',
    terms: 'Términos del servicio',
  },
};

const TERMS: Record<Language, Terms> = { en: EN_TERMS, fr: FR_TERMS, de: DE_TERMS, es: ES_TERMS };

function frenchSentences(): FactSentences {
  const amount = amountIn('fr');
  const t = FR_TERMS;
  return {
    'stripe.dispute': (v) => {
      const code = v.maybe('network_reason_code');
      const due = v.maybe('due_by');
      return (
        `Litige ${v.text('dispute_id')} : ${v.text('status').startsWith('warning_') ? 'une demande de renseignements' : 'une rétrofacturation'} portant sur ${amount(v, 'amount')},` +
        ` motif "${v.text('reason')}"${code ? ` (code motif ${networkName(v.maybe('brand'))} ${code})` : ''}, ouvert le ${factTime(v.text('created'))}` +
        `${due ? ` ; les preuves sont attendues au plus tard le ${factTime(due)}` : ''}.`
      );
    },
    'stripe.charge': (v) => {
      const description = v.maybe('description');
      const descriptor = v.maybe('statement_descriptor');
      return (
        `Paiement ${v.text('charge_id')} de ${amount(v, 'amount')} ${term(t.chargeStatus, v.text('status'))} le ${factTime(v.text('created'))}` +
        `${description ? ` pour "${description}"` : ''}` +
        `${descriptor ? ` ; il figure sur le relevé sous le libellé "${descriptor}"` : ''}` +
        `${v.number('amount_refunded') > 0 ? ` ; ${amount(v, 'amount_refunded')} en ont été remboursés` : ''}.`
      );
    },
    'stripe.charge.card': (v) => {
      const funding = v.maybe('funding');
      const country = v.maybe('country');
      const wallet = v.maybe('wallet');
      const fingerprint = v.maybe('fingerprint');
      const network = v.maybe('network');
      return (
        `Payé avec une carte ${v.maybe('brand') ?? ''}${funding ? ` ${term(t.funding, funding)}` : ''} se terminant par ${v.maybe('last4') ?? '????'}` +
        `${country ? `, émise dans le pays ${country}` : ''}${wallet ? `, via ${spaced(wallet)}` : ''}` +
        `${fingerprint ? `, empreinte de carte ${fingerprint}` : ''}${network ? `, traitée sur le réseau ${network}` : ''}.`
      );
    },
    'stripe.charge.purchase_ip': (v) =>
      `L'achat a été effectué depuis l'adresse IP ${v.text('ip')} (enregistrée avec le paiement).`,
    'stripe.charge.receipt': (v) => {
      const number = v.maybe('receipt_number');
      const email = v.maybe('receipt_email');
      return `Un reçu${number ? ` (numéro ${number})` : ''} a été émis${email ? ` et envoyé par e-mail à ${email}` : ''}.`;
    },
    'stripe.charge.billing': (v) => {
      const parts = [
        v.maybe('name') ? `nom "${v.maybe('name')}"` : null,
        v.maybe('email') ? `e-mail ${v.maybe('email')}` : null,
        v.maybe('address') ? `adresse "${v.maybe('address')}"` : null,
      ].filter(Boolean);
      return `Coordonnées de facturation saisies avec le paiement : ${parts.join(', ')}.`;
    },
    'stripe.charge.shipping': (v) => `Adresse de livraison indiquée avec le paiement : "${v.text('address')}".`,
    'stripe.charge.avs': (v) =>
      `Vérification de l'adresse (AVS) : résultat ${check(t, v.maybe('address_line1_check'))} pour la rue, ${check(t, v.maybe('address_postal_code_check'))} pour le code postal.`,
    'stripe.charge.cvc': (v) =>
      cvcSentence(t, v, (c, m) => `Vérification du CVC : résultat ${c}${m ? ` (${m})` : ''}.`),
    'stripe.charge.3ds': (v) => {
      const version = v.maybe('version');
      const result = v.maybe('result');
      const flow = v.maybe('authentication_flow');
      return (
        `3-D Secure${version ? ` ${version}` : ''} : ${result ? term(t.secureResult, result) : 'aucun résultat'}` +
        `${flow ? ` (parcours ${term(t.secureFlow, flow)})` : ''}` +
        `${v.flag('liability_shift') ? " ; le titulaire de la carte a été authentifié par l'émetteur, ce qui transfère à l'émetteur la responsabilité en cas de fraude" : ''}.`
      );
    },
    'stripe.charge.risk': (v) => {
      const level = v.maybe('risk_level');
      const score = v.maybeNumber('risk_score');
      const status = v.maybe('network_status');
      return (
        `${level ? `Stripe Radar a évalué le risque du paiement comme ${term(t.riskLevel, level)}${score !== null ? ` (score de ${score} sur 100)` : ''}` : "Stripe Radar n'a donné aucune évaluation du risque"}` +
        `${status ? ` ; ${status === 'approved_by_network' ? "l'émetteur de la carte l'a approuvé" : `statut réseau ${spaced(status)}`}` : ''}.`
      );
    },
    'stripe.payment_intent': (v) => {
      const received = v.maybeNumber('amount_received');
      return (
        `L'intention de paiement ${v.text('payment_intent_id')} a été créée le ${factTime(v.text('created'))} ; statut : ${term(t.intentStatus, v.text('status'))}` +
        `${received ? `, ${amount(v, 'amount_received')} reçus` : ''}.`
      );
    },
    'stripe.customer': (v) => {
      const email = v.maybe('email');
      return `Le client Stripe ${v.text('customer_id')}${email ? ` (${email})` : ''} est client depuis le ${factDate(v.text('created'))}.`;
    },
    'stripe.customer.name': (v) => `Le nom du client Stripe ${v.text('customer_id')} est "${v.text('name')}".`,
    'stripe.refund.{id}': (v) => {
      const status = v.maybe('status');
      const reason = v.maybe('reason');
      return `Remboursement ${v.text('refund_id')} de ${amount(v, 'amount')} (${status ? term(t.refundStatus, status) : 'statut inconnu'}) le ${factTime(v.text('created'))}${reason ? `, motif : ${term(t.refundReason, reason)}` : ''}.`;
    },
    'stripe.invoice.{id}': (v) => {
      const paidAt = v.maybe('paid_at');
      const reason = v.maybe('billing_reason');
      const subscription = v.maybe('subscription_id');
      return (
        `Facture ${v.maybe('number') ?? v.text('invoice_id')} de ${amount(v, 'amount_paid')}` +
        `${paidAt ? ` payée le ${factDate(paidAt)}` : ` (${term(t.invoiceStatus, v.maybe('status') ?? '')})`}` +
        `${reason ? `, motif de facturation : ${term(t.billingReason, reason)}` : ''}` +
        `, couvrant la période du ${factDate(v.text('period_start'))} au ${factDate(v.text('period_end'))}` +
        `${subscription ? ` de l'abonnement ${subscription}` : ''}.`
      );
    },
    'stripe.subscription': (v) => {
      const canceledAt = v.maybe('canceled_at');
      const endedAt = v.maybe('ended_at');
      const cancelAt = v.maybe('cancel_at');
      const periodEnd = v.maybe('current_period_end');
      const interval = v.maybe('interval');
      const reason = v.maybe('cancellation_reason');
      const state = canceledAt
        ? `la résiliation a été demandée le ${factTime(canceledAt)}${endedAt ? ` et il a pris fin le ${factDate(endedAt)}` : cancelAt ? `, avec effet le ${factDate(cancelAt)}` : ''}`
        : v.flag('cancel_at_period_end')
          ? `il prendra fin à la clôture de la période en cours${periodEnd ? ` (${factDate(periodEnd)})` : ''}`
          : "aucune résiliation n'a été demandée";
      return (
        `Abonnement ${v.text('subscription_id')}${interval ? ` (facturé chaque ${term(t.interval, interval)})` : ''} commencé le ${factDate(v.text('start_date'))}, statut : ${term(t.subscriptionStatus, v.text('status'))} ; ${state}` +
        `${reason ? ` (motif de la résiliation : ${term(t.cancellationReason, reason)})` : ''}.`
      );
    },
    'stripe.subscription.cancellation_comment': (v) =>
      `Lors de la résiliation, le client a écrit : "${v.text('comment')}".`,
    'stripe.prior.summary': (v) => {
      const count = v.number('count');
      const same = v.number('same_card_count');
      const first = v.maybe('first_at');
      return (
        `Le client a effectué ${count} ${count > 1 ? 'paiements antérieurs' : 'paiement antérieur'} depuis ${first ? `le ${factDate(first)}` : 'son inscription'}` +
        `${same > 0 ? ` (${same} avec la même carte)` : ''}, dont aucun n'a été contesté ni remboursé.`
      );
    },
    'stripe.prior.{id}': (v) => {
      const last4 = v.maybe('card_last4');
      const brand = v.maybe('card_brand');
      return (
        `Paiement antérieur ${v.text('charge_id')} de ${amount(v, 'amount')} le ${factTime(v.text('created'))}` +
        `${v.flag('same_card') ? ` avec la même carte (${brand ?? 'carte'} se terminant par ${last4 ?? '????'})` : last4 ? ` avec une carte ${brand ?? ''} se terminant par ${last4}` : ''}` +
        ' : payé, jamais contesté ni remboursé.'
      );
    },
    'config.product': (v) =>
      `${v.text('name')} (${v.text('website')}) : ${v.text('product_description')} Assistance : ${v.text('support_email')}.`,
    'config.policy.{policy}': (v) => policySentence(v, 'fr'),
    '{rows}.account': (v) => {
      const email = v.maybe('email');
      const created = v.maybe('created_at');
      const details = [
        v.maybe('plan') ? `formule ${v.maybe('plan')}` : null,
        v.maybe('status') ? `statut ${v.maybe('status')}` : null,
      ].filter(Boolean);
      return (
        `Compte ${v.maybe('account_id') ?? ''}${email ? ` (${email})` : ''} ${created ? `ouvert le ${factDate(created)}` : 'existant'}` +
        `${details.length ? `, ${details.join(', ')}` : ''}.`
      );
    },
    '{rows}.account.name': (v) =>
      `Le nom du titulaire du compte ${v.maybe('account_id') ?? ''} est ${v.text('name_shown')}.`,
    '{rows}.activity.{n}': (v) => {
      const ip = v.maybe('ip');
      const device = v.maybe('device_id') ?? v.maybe('device_fingerprint');
      const detail = shownIn(v, 'detail');
      return `${factTime(v.when())} : ${v.text('event')}${ip ? ` depuis l'IP ${ip}` : ''}${device ? ` sur l'appareil ${device}` : ''}${detail ? ` (${detail})` : ''}.`;
    },
    '{rows}.deliverable.{id}': (v) => {
      const prompt = shownIn(v, 'prompt');
      const description = shownIn(v, 'description');
      return (
        `${factTime(v.when())} : livré ${shownIn(v, 'title') ?? 'un livrable'}` +
        `${prompt ? `, réalisé à partir de la demande du client ${prompt}` : ''}` +
        `${description ? ` — ${description}` : ''}${v.maybe('image') ? ' (image jointe)' : ''}.`
      );
    },
    '{rows}.communication.{n}': (v) => {
      const who =
        v.maybe('direction') === 'inbound'
          ? 'le client a écrit'
          : `${v.maybe('business_name') ?? "l'entreprise"} a écrit au client`;
      const channel = v.maybe('channel');
      const subject = shownIn(v, 'subject');
      return `${factTime(v.when())} : ${who}${channel ? ` par ${channel}` : ''}${subject ? `, objet ${subject}` : ''} : ${shownIn(v, 'body') ?? ''}`;
    },
    '{rows}.policy_acceptance.{n}': (v) => {
      const version = v.maybe('version');
      const shownAt = v.maybe('shown_at');
      const ip = v.maybe('ip');
      return (
        `${factTime(v.when())} : le client a accepté la politique ${v.text('policy')}` +
        `${version ? ` (version ${version})` : ''}` +
        `${shownAt ? `, présentée ${placeIn('fr', shownAt)}` : ''}${ip ? ` depuis l'IP ${ip}` : ''}.`
      );
    },
  };
}

function germanSentences(): FactSentences {
  const amount = amountIn('de');
  const t = DE_TERMS;
  return {
    'stripe.dispute': (v) => {
      const code = v.maybe('network_reason_code');
      const due = v.maybe('due_by');
      return (
        `Streitfall ${v.text('dispute_id')}: ${v.text('status').startsWith('warning_') ? 'eine Anfrage' : 'eine Rückbuchung'} über ${amount(v, 'amount')}` +
        ` mit dem Grund "${v.text('reason')}"${code ? ` (Grundcode ${code} von ${networkName(v.maybe('brand'))})` : ''}, eröffnet am ${factTime(v.text('created'))}` +
        `${due ? `; Nachweise sind fällig bis ${factTime(due)}` : ''}.`
      );
    },
    'stripe.charge': (v) => {
      const description = v.maybe('description');
      const descriptor = v.maybe('statement_descriptor');
      return (
        `Zahlung ${v.text('charge_id')} über ${amount(v, 'amount')} vom ${factTime(v.text('created'))}, Status: ${term(t.chargeStatus, v.text('status'))}` +
        `${description ? `, für "${description}"` : ''}` +
        `${descriptor ? `; sie erschien auf der Abrechnung als "${descriptor}"` : ''}` +
        `${v.number('amount_refunded') > 0 ? `; davon wurden ${amount(v, 'amount_refunded')} erstattet` : ''}.`
      );
    },
    'stripe.charge.card': (v) => {
      const funding = v.maybe('funding');
      const country = v.maybe('country');
      const wallet = v.maybe('wallet');
      const fingerprint = v.maybe('fingerprint');
      const network = v.maybe('network');
      return (
        `Bezahlt mit einer Karte (${v.maybe('brand') ?? 'Karte'}${funding ? `, ${term(t.funding, funding)}` : ''}) mit den Endziffern ${v.maybe('last4') ?? '????'}` +
        `${country ? `, ausgegeben im Land ${country}` : ''}${wallet ? `, über ${spaced(wallet)}` : ''}` +
        `${fingerprint ? `, Kartenfingerabdruck ${fingerprint}` : ''}${network ? `, abgewickelt über das Netzwerk ${network}` : ''}.`
      );
    },
    'stripe.charge.purchase_ip': (v) =>
      `Der Kauf erfolgte von der IP-Adresse ${v.text('ip')} (mit der Zahlung erfasst).`,
    'stripe.charge.receipt': (v) => {
      const number = v.maybe('receipt_number');
      const email = v.maybe('receipt_email');
      return `Ein Beleg${number ? ` (Nummer ${number})` : ''} wurde ausgestellt${email ? ` und per E-Mail an ${email} gesendet` : ''}.`;
    },
    'stripe.charge.billing': (v) => {
      const parts = [
        v.maybe('name') ? `Name "${v.maybe('name')}"` : null,
        v.maybe('email') ? `E-Mail ${v.maybe('email')}` : null,
        v.maybe('address') ? `Adresse "${v.maybe('address')}"` : null,
      ].filter(Boolean);
      return `Mit der Zahlung eingegebene Rechnungsdaten: ${parts.join(', ')}.`;
    },
    'stripe.charge.shipping': (v) => `Mit der Zahlung angegebene Lieferadresse: "${v.text('address')}".`,
    'stripe.charge.avs': (v) =>
      `Adressprüfung (AVS): Straße ${check(t, v.maybe('address_line1_check'))}, Postleitzahl ${check(t, v.maybe('address_postal_code_check'))}.`,
    'stripe.charge.cvc': (v) => cvcSentence(t, v, (c, m) => `CVC-Prüfung: ${c}${m ? ` (${m})` : ''}.`),
    'stripe.charge.3ds': (v) => {
      const version = v.maybe('version');
      const result = v.maybe('result');
      const flow = v.maybe('authentication_flow');
      return (
        `3-D Secure${version ? ` ${version}` : ''}: ${result ? term(t.secureResult, result) : 'kein Ergebnis'}` +
        `${flow ? ` (${term(t.secureFlow, flow)})` : ''}` +
        `${v.flag('liability_shift') ? '; der Karteninhaber wurde vom Kartenherausgeber authentifiziert, wodurch die Haftung für Betrug auf den Kartenherausgeber übergeht' : ''}.`
      );
    },
    'stripe.charge.risk': (v) => {
      const level = v.maybe('risk_level');
      const score = v.maybeNumber('risk_score');
      const status = v.maybe('network_status');
      return (
        `${level ? `Stripe Radar stufte das Risiko der Zahlung als ${term(t.riskLevel, level)} ein${score !== null ? ` (Wert ${score} von 100)` : ''}` : 'Stripe Radar gab keine Risikobewertung ab'}` +
        `${status ? `; ${status === 'approved_by_network' ? 'der Kartenherausgeber hat sie genehmigt' : `Netzwerkstatus ${spaced(status)}`}` : ''}.`
      );
    },
    'stripe.payment_intent': (v) => {
      const received = v.maybeNumber('amount_received');
      return (
        `Die Zahlungsabsicht ${v.text('payment_intent_id')} wurde am ${factTime(v.text('created'))} erstellt, Status: ${term(t.intentStatus, v.text('status'))}` +
        `${received ? `, ${amount(v, 'amount_received')} eingegangen` : ''}.`
      );
    },
    'stripe.customer': (v) => {
      const email = v.maybe('email');
      return `Der Stripe-Kunde ${v.text('customer_id')}${email ? ` (${email})` : ''} ist seit ${factDate(v.text('created'))} Kunde.`;
    },
    'stripe.customer.name': (v) => `Der Name beim Stripe-Kunden ${v.text('customer_id')} lautet "${v.text('name')}".`,
    'stripe.refund.{id}': (v) => {
      const status = v.maybe('status');
      const reason = v.maybe('reason');
      return `Erstattung ${v.text('refund_id')} über ${amount(v, 'amount')} (${status ? term(t.refundStatus, status) : 'Status unbekannt'}) am ${factTime(v.text('created'))}${reason ? `, Grund: ${term(t.refundReason, reason)}` : ''}.`;
    },
    'stripe.invoice.{id}': (v) => {
      const paidAt = v.maybe('paid_at');
      const reason = v.maybe('billing_reason');
      const subscription = v.maybe('subscription_id');
      return (
        `Rechnung ${v.maybe('number') ?? v.text('invoice_id')} über ${amount(v, 'amount_paid')}` +
        `${paidAt ? `, bezahlt am ${factDate(paidAt)}` : ` (${term(t.invoiceStatus, v.maybe('status') ?? '')})`}` +
        `${reason ? `, Rechnungsgrund: ${term(t.billingReason, reason)}` : ''}` +
        `, für den Zeitraum ${factDate(v.text('period_start'))} bis ${factDate(v.text('period_end'))}` +
        `${subscription ? ` des Abonnements ${subscription}` : ''}.`
      );
    },
    'stripe.subscription': (v) => {
      const canceledAt = v.maybe('canceled_at');
      const endedAt = v.maybe('ended_at');
      const cancelAt = v.maybe('cancel_at');
      const periodEnd = v.maybe('current_period_end');
      const interval = v.maybe('interval');
      const reason = v.maybe('cancellation_reason');
      const state = canceledAt
        ? `die Kündigung wurde am ${factTime(canceledAt)} beantragt${endedAt ? ` und es endete am ${factDate(endedAt)}` : cancelAt ? `, wirksam zum ${factDate(cancelAt)}` : ''}`
        : v.flag('cancel_at_period_end')
          ? `es endet mit Ablauf des laufenden Zeitraums${periodEnd ? ` (${factDate(periodEnd)})` : ''}`
          : 'eine Kündigung wurde nicht beantragt';
      return (
        `Abonnement ${v.text('subscription_id')}${interval ? ` (Abrechnung ${term(t.interval, interval)})` : ''}, begonnen am ${factDate(v.text('start_date'))}, Status: ${term(t.subscriptionStatus, v.text('status'))}; ${state}` +
        `${reason ? ` (Kündigungsgrund: ${term(t.cancellationReason, reason)})` : ''}.`
      );
    },
    'stripe.subscription.cancellation_comment': (v) => `Bei der Kündigung schrieb der Kunde: "${v.text('comment')}".`,
    'stripe.prior.summary': (v) => {
      const count = v.number('count');
      const same = v.number('same_card_count');
      const first = v.maybe('first_at');
      return (
        `Der Kunde hat seit ${first ? factDate(first) : 'seiner Anmeldung'} ${count} ${count === 1 ? 'frühere Zahlung' : 'frühere Zahlungen'} geleistet` +
        `${same > 0 ? ` (${same} mit derselben Karte)` : ''}, keine davon beanstandet oder erstattet.`
      );
    },
    'stripe.prior.{id}': (v) => {
      const last4 = v.maybe('card_last4');
      const brand = v.maybe('card_brand');
      return (
        `Frühere Zahlung ${v.text('charge_id')} über ${amount(v, 'amount')} am ${factTime(v.text('created'))}` +
        `${v.flag('same_card') ? ` mit derselben Karte (${brand ?? 'Karte'} mit den Endziffern ${last4 ?? '????'})` : last4 ? ` mit einer Karte ${brand ?? ''} mit den Endziffern ${last4}` : ''}` +
        ': bezahlt, nie beanstandet oder erstattet.'
      );
    },
    'config.product': (v) =>
      `${v.text('name')} (${v.text('website')}): ${v.text('product_description')} Kundensupport: ${v.text('support_email')}.`,
    'config.policy.{policy}': (v) => policySentence(v, 'de'),
    '{rows}.account': (v) => {
      const email = v.maybe('email');
      const created = v.maybe('created_at');
      const details = [
        v.maybe('plan') ? `Tarif ${v.maybe('plan')}` : null,
        v.maybe('status') ? `Status ${v.maybe('status')}` : null,
      ].filter(Boolean);
      return (
        `Konto ${v.maybe('account_id') ?? ''}${email ? ` (${email})` : ''} ${created ? `wurde am ${factDate(created)} eröffnet` : 'besteht'}` +
        `${details.length ? `, ${details.join(', ')}` : ''}.`
      );
    },
    '{rows}.account.name': (v) =>
      `Der Name des Kontoinhabers von Konto ${v.maybe('account_id') ?? ''} ist ${v.text('name_shown')}.`,
    '{rows}.activity.{n}': (v) => {
      const ip = v.maybe('ip');
      const device = v.maybe('device_id') ?? v.maybe('device_fingerprint');
      const detail = shownIn(v, 'detail');
      return `${factTime(v.when())}: ${v.text('event')}${ip ? ` von IP ${ip}` : ''}${device ? ` auf Gerät ${device}` : ''}${detail ? ` (${detail})` : ''}.`;
    },
    '{rows}.deliverable.{id}': (v) => {
      const prompt = shownIn(v, 'prompt');
      const description = shownIn(v, 'description');
      return (
        `${factTime(v.when())}: geliefert: ${shownIn(v, 'title') ?? 'ein Ergebnis'}` +
        `${prompt ? `, erstellt nach der Anfrage des Kunden ${prompt}` : ''}` +
        `${description ? ` — ${description}` : ''}${v.maybe('image') ? ' (Bild beigefügt)' : ''}.`
      );
    },
    '{rows}.communication.{n}': (v) => {
      const who =
        v.maybe('direction') === 'inbound'
          ? 'der Kunde schrieb'
          : `${v.maybe('business_name') ?? 'das Unternehmen'} schrieb dem Kunden`;
      const channel = v.maybe('channel');
      const subject = shownIn(v, 'subject');
      return `${factTime(v.when())}: ${who}${channel ? ` per ${channel}` : ''}${subject ? `, Betreff ${subject}` : ''}: ${shownIn(v, 'body') ?? ''}`;
    },
    '{rows}.policy_acceptance.{n}': (v) => {
      const version = v.maybe('version');
      const shownAt = v.maybe('shown_at');
      const ip = v.maybe('ip');
      return (
        `${factTime(v.when())}: der Kunde akzeptierte die Richtlinie ${v.text('policy')}` +
        `${version ? ` (Version ${version})` : ''}` +
        `${shownAt ? `, angezeigt ${placeIn('de', shownAt)}` : ''}${ip ? ` von IP ${ip}` : ''}.`
      );
    },
  };
}

function spanishSentences(): FactSentences {
  const amount = amountIn('es');
  const t = ES_TERMS;
  return {
    'stripe.dispute': (v) => {
      const code = v.maybe('network_reason_code');
      const due = v.maybe('due_by');
      return (
        `Disputa ${v.text('dispute_id')}: ${v.text('status').startsWith('warning_') ? 'una consulta' : 'un contracargo'} por ${amount(v, 'amount')}` +
        ` con el motivo "${v.text('reason')}"${code ? ` (código de motivo ${code} de ${networkName(v.maybe('brand'))})` : ''}, abierta el ${factTime(v.text('created'))}` +
        `${due ? `; las pruebas deben presentarse a más tardar el ${factTime(due)}` : ''}.`
      );
    },
    'stripe.charge': (v) => {
      const description = v.maybe('description');
      const descriptor = v.maybe('statement_descriptor');
      return (
        `Cargo ${v.text('charge_id')} de ${amount(v, 'amount')} del ${factTime(v.text('created'))}, estado: ${term(t.chargeStatus, v.text('status'))}` +
        `${description ? `, por "${description}"` : ''}` +
        `${descriptor ? `; apareció en el extracto como "${descriptor}"` : ''}` +
        `${v.number('amount_refunded') > 0 ? `; se han reembolsado ${amount(v, 'amount_refunded')} del mismo` : ''}.`
      );
    },
    'stripe.charge.card': (v) => {
      const funding = v.maybe('funding');
      const country = v.maybe('country');
      const wallet = v.maybe('wallet');
      const fingerprint = v.maybe('fingerprint');
      const network = v.maybe('network');
      return (
        `Pagado con una tarjeta ${v.maybe('brand') ?? ''}${funding ? ` ${term(t.funding, funding)}` : ''} terminada en ${v.maybe('last4') ?? '????'}` +
        `${country ? `, emitida en el país ${country}` : ''}${wallet ? `, mediante ${spaced(wallet)}` : ''}` +
        `${fingerprint ? `, huella de la tarjeta ${fingerprint}` : ''}${network ? `, procesada en la red ${network}` : ''}.`
      );
    },
    'stripe.charge.purchase_ip': (v) =>
      `La compra se realizó desde la dirección IP ${v.text('ip')} (registrada con el pago).`,
    'stripe.charge.receipt': (v) => {
      const number = v.maybe('receipt_number');
      const email = v.maybe('receipt_email');
      return `Se emitió un recibo${number ? ` (número ${number})` : ''}${email ? ` y se envió por correo electrónico a ${email}` : ''}.`;
    },
    'stripe.charge.billing': (v) => {
      const parts = [
        v.maybe('name') ? `nombre "${v.maybe('name')}"` : null,
        v.maybe('email') ? `correo electrónico ${v.maybe('email')}` : null,
        v.maybe('address') ? `dirección "${v.maybe('address')}"` : null,
      ].filter(Boolean);
      return `Datos de facturación introducidos con el pago: ${parts.join(', ')}.`;
    },
    'stripe.charge.shipping': (v) => `Dirección de envío indicada con el pago: "${v.text('address')}".`,
    'stripe.charge.avs': (v) =>
      `Verificación de la dirección (AVS): resultado ${check(t, v.maybe('address_line1_check'))} para la calle, ${check(t, v.maybe('address_postal_code_check'))} para el código postal.`,
    'stripe.charge.cvc': (v) =>
      cvcSentence(t, v, (c, m) => `Verificación del CVC: resultado ${c}${m ? ` (${m})` : ''}.`),
    'stripe.charge.3ds': (v) => {
      const version = v.maybe('version');
      const result = v.maybe('result');
      const flow = v.maybe('authentication_flow');
      return (
        `3-D Secure${version ? ` ${version}` : ''}: ${result ? term(t.secureResult, result) : 'sin resultado'}` +
        `${flow ? ` (flujo ${term(t.secureFlow, flow)})` : ''}` +
        `${v.flag('liability_shift') ? '; el emisor autenticó al titular de la tarjeta, lo que traslada al emisor la responsabilidad por fraude' : ''}.`
      );
    },
    'stripe.charge.risk': (v) => {
      const level = v.maybe('risk_level');
      const score = v.maybeNumber('risk_score');
      const status = v.maybe('network_status');
      return (
        `${level ? `Stripe Radar calificó el riesgo del pago como ${term(t.riskLevel, level)}${score !== null ? ` (puntuación de ${score} sobre 100)` : ''}` : 'Stripe Radar no dio ninguna calificación de riesgo'}` +
        `${status ? `; ${status === 'approved_by_network' ? 'el emisor de la tarjeta lo aprobó' : `estado en la red ${spaced(status)}`}` : ''}.`
      );
    },
    'stripe.payment_intent': (v) => {
      const received = v.maybeNumber('amount_received');
      return (
        `La intención de pago ${v.text('payment_intent_id')} se creó el ${factTime(v.text('created'))}, estado: ${term(t.intentStatus, v.text('status'))}` +
        `${received ? `, ${amount(v, 'amount_received')} recibidos` : ''}.`
      );
    },
    'stripe.customer': (v) => {
      const email = v.maybe('email');
      return `El cliente de Stripe ${v.text('customer_id')}${email ? ` (${email})` : ''} es cliente desde el ${factDate(v.text('created'))}.`;
    },
    'stripe.customer.name': (v) => `El nombre del cliente de Stripe ${v.text('customer_id')} es "${v.text('name')}".`,
    'stripe.refund.{id}': (v) => {
      const status = v.maybe('status');
      const reason = v.maybe('reason');
      return `Reembolso ${v.text('refund_id')} de ${amount(v, 'amount')} (${status ? term(t.refundStatus, status) : 'estado desconocido'}) el ${factTime(v.text('created'))}${reason ? `, motivo: ${term(t.refundReason, reason)}` : ''}.`;
    },
    'stripe.invoice.{id}': (v) => {
      const paidAt = v.maybe('paid_at');
      const reason = v.maybe('billing_reason');
      const subscription = v.maybe('subscription_id');
      return (
        `Factura ${v.maybe('number') ?? v.text('invoice_id')} por ${amount(v, 'amount_paid')}` +
        `${paidAt ? ` pagada el ${factDate(paidAt)}` : ` (${term(t.invoiceStatus, v.maybe('status') ?? '')})`}` +
        `${reason ? `, motivo de facturación: ${term(t.billingReason, reason)}` : ''}` +
        `, que cubre del ${factDate(v.text('period_start'))} al ${factDate(v.text('period_end'))}` +
        `${subscription ? ` de la suscripción ${subscription}` : ''}.`
      );
    },
    'stripe.subscription': (v) => {
      const canceledAt = v.maybe('canceled_at');
      const endedAt = v.maybe('ended_at');
      const cancelAt = v.maybe('cancel_at');
      const periodEnd = v.maybe('current_period_end');
      const interval = v.maybe('interval');
      const reason = v.maybe('cancellation_reason');
      const state = canceledAt
        ? `la cancelación se solicitó el ${factTime(canceledAt)}${endedAt ? ` y terminó el ${factDate(endedAt)}` : cancelAt ? `, con efecto el ${factDate(cancelAt)}` : ''}`
        : v.flag('cancel_at_period_end')
          ? `terminará al cierre del periodo actual${periodEnd ? ` (${factDate(periodEnd)})` : ''}`
          : 'no se ha solicitado ninguna cancelación';
      return (
        `Suscripción ${v.text('subscription_id')}${interval ? ` (facturada cada ${term(t.interval, interval)})` : ''} iniciada el ${factDate(v.text('start_date'))}, estado: ${term(t.subscriptionStatus, v.text('status'))}; ${state}` +
        `${reason ? ` (motivo de la cancelación: ${term(t.cancellationReason, reason)})` : ''}.`
      );
    },
    'stripe.subscription.cancellation_comment': (v) => `Al cancelar, el cliente escribió: "${v.text('comment')}".`,
    'stripe.prior.summary': (v) => {
      const count = v.number('count');
      const same = v.number('same_card_count');
      const first = v.maybe('first_at');
      return (
        `El cliente realizó ${count} ${count === 1 ? 'pago anterior' : 'pagos anteriores'} desde ${first ? `el ${factDate(first)}` : 'su registro'}` +
        `${same > 0 ? ` (${same} con la misma tarjeta)` : ''}, ninguno de ellos disputado ni reembolsado.`
      );
    },
    'stripe.prior.{id}': (v) => {
      const last4 = v.maybe('card_last4');
      const brand = v.maybe('card_brand');
      return (
        `Pago anterior ${v.text('charge_id')} de ${amount(v, 'amount')} el ${factTime(v.text('created'))}` +
        `${v.flag('same_card') ? ` con la misma tarjeta (${brand ?? 'tarjeta'} terminada en ${last4 ?? '????'})` : last4 ? ` con una tarjeta ${brand ?? ''} terminada en ${last4}` : ''}` +
        ': pagado, nunca disputado ni reembolsado.'
      );
    },
    'config.product': (v) =>
      `${v.text('name')} (${v.text('website')}): ${v.text('product_description')} Soporte: ${v.text('support_email')}.`,
    'config.policy.{policy}': (v) => policySentence(v, 'es'),
    '{rows}.account': (v) => {
      const email = v.maybe('email');
      const created = v.maybe('created_at');
      const details = [
        v.maybe('plan') ? `plan ${v.maybe('plan')}` : null,
        v.maybe('status') ? `estado ${v.maybe('status')}` : null,
      ].filter(Boolean);
      return (
        `Cuenta ${v.maybe('account_id') ?? ''}${email ? ` (${email})` : ''} ${created ? `abierta el ${factDate(created)}` : 'existente'}` +
        `${details.length ? `, ${details.join(', ')}` : ''}.`
      );
    },
    '{rows}.account.name': (v) =>
      `El nombre del titular de la cuenta ${v.maybe('account_id') ?? ''} es ${v.text('name_shown')}.`,
    '{rows}.activity.{n}': (v) => {
      const ip = v.maybe('ip');
      const device = v.maybe('device_id') ?? v.maybe('device_fingerprint');
      const detail = shownIn(v, 'detail');
      return `${factTime(v.when())}: ${v.text('event')}${ip ? ` desde la IP ${ip}` : ''}${device ? ` en el dispositivo ${device}` : ''}${detail ? ` (${detail})` : ''}.`;
    },
    '{rows}.deliverable.{id}': (v) => {
      const prompt = shownIn(v, 'prompt');
      const description = shownIn(v, 'description');
      return (
        `${factTime(v.when())}: entregado ${shownIn(v, 'title') ?? 'un entregable'}` +
        `${prompt ? `, hecho a partir de la solicitud del cliente ${prompt}` : ''}` +
        `${description ? ` — ${description}` : ''}${v.maybe('image') ? ' (imagen adjunta)' : ''}.`
      );
    },
    '{rows}.communication.{n}': (v) => {
      const who =
        v.maybe('direction') === 'inbound'
          ? 'el cliente escribió'
          : `${v.maybe('business_name') ?? 'la empresa'} escribió al cliente`;
      const channel = v.maybe('channel');
      const subject = shownIn(v, 'subject');
      return `${factTime(v.when())}: ${who}${channel ? ` por ${channel}` : ''}${subject ? `, asunto ${subject}` : ''}: ${shownIn(v, 'body') ?? ''}`;
    },
    '{rows}.policy_acceptance.{n}': (v) => {
      const version = v.maybe('version');
      const shownAt = v.maybe('shown_at');
      const ip = v.maybe('ip');
      return (
        `${factTime(v.when())}: el cliente aceptó la política ${v.text('policy')}` +
        `${version ? ` (versión ${version})` : ''}` +
        `${shownAt ? `, mostrada ${placeIn('es', shownAt)}` : ''}${ip ? ` desde la IP ${ip}` : ''}.`
      );
    },
  };
}

const check = (t: Terms, value: string | null): string => (value ? term(t.check, value) : t.notChecked);

function cvcSentence(t: Terms, v: FactValues, say: (check: string, meaning: string | undefined) => string): string {
  const value = v.text('cvc_check');
  return say(term(t.check, value), t.cvcMeaning[value]);
}

export const FACT_SENTENCES: Record<Language, FactSentences> = {
  en: englishSentences(),
  fr: frenchSentences(),
  de: germanSentences(),
  es: spanishSentences(),
};

/**
 * The English sentence a source stores for a fact of this id, from its data. Throws when a value the sentence needs is
 * missing: a source always gives every value its sentence reads.
 */
export function factSentence(id: string, data: Data, at: string | null): string {
  const pattern = patternOfFactId(id);
  if (!pattern) throw new Error(`no sentence is written for fact ${id}: it is not in the fact vocabulary`);
  return FACT_SENTENCES.en[pattern](new FactValues(data, at));
}

/**
 * A fact with its stored sentence written from its data: what a source gives each fact, so the English it stores and
 * the reader's language in a case's files say the same values. Every value the sentence reads must be in `data`.
 */
export function writtenFact(fact: Omit<Fact, 'text' | 'data'> & { data: Data }): Fact {
  return { ...fact, text: factSentence(fact.id, fact.data, fact.at) };
}

/** The fact in the reader's language: its sentence written from its data; the English one where that cannot be. */
export function localizeFact(fact: Fact, language: Language): Fact {
  if (language === 'en') return fact;
  const pattern = patternOfFactId(fact.id);
  if (!pattern) return fact;
  try {
    const values = new FactValues(fact.data ?? {}, fact.at);
    const text =
      pattern === 'config.policy.{policy}'
        ? policySentenceOf(fact, values, language)
        : FACT_SENTENCES[language][pattern](values);
    return text === null ? fact : { ...fact, text };
  } catch (error) {
    if (error instanceof MissingValue) return fact;
    throw error;
  }
}

/** Every fact in the reader's language (`localizeFact`); English facts are returned as they are. */
export function localizeFacts(facts: readonly Fact[], language: Language): Fact[] {
  return language === 'en' ? [...facts] : facts.map((fact) => localizeFact(fact, language));
}

/** A policy's sentence carries the policy's own text, which only its stored sentence holds. */
function policySentenceOf(fact: Fact, values: FactValues, language: Language): string | null {
  const reads = policyText(fact);
  return reads === null ? null : policySentence(values, language, reads);
}
