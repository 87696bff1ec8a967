import type { Language } from '../dispute/language.js';
import { LOCALES } from '../dispute/language.js';
import type { ActivitySummary } from '../evidence/activity-summary.js';
import type { Ce3Identifier } from '../evidence/ce3.js';
import type { EvidenceItem, Strategy } from '../evidence/playbook/plans.js';
import { formatMoney, formatMoneyWithCode } from '../money.js';

/**
 * The cover page's answer and strongest points (evidence/playbook/strongest.ts), which the rebuttal also opens with, in
 * each language the bank may read (docs/architecture.md → "The reader's language"). One object per language with the
 * same keys. Values come in raw and are written here as the language writes them (dates, counts, amounts), in forms
 * the grounding check reads (drafting/values.ts); every number stands right before the noun it counts. Names, ids,
 * IPs, email addresses and the business's own words (a policy it names, where it showed it) stay as recorded.
 */
export type Has = (item: EvidenceItem) => boolean;

export interface StrongestMessages {
  /** `16 Nov 2026`, `16 novembre 2026`, `16. November 2026`, `16 de noviembre de 2026` (UTC). */
  day: (at: string) => string;
  /** `4900, 'usd'` → `$49.00`; `49,00 USD` in the other languages, as their files write money. */
  money: (amount: number, currency: string) => string;
  /** `a, b and c`. */
  listed: (items: readonly string[]) => string;
  answers: Record<Strategy, (has: Has) => string | null>;
  /** When a reason's answer needs evidence the case lacks: no claim, only what the records are. */
  recordsOnly: string;
  /** When the business has no records of its own: only Stripe's. */
  stripeOnly: string;
  ce3: (count: number, shared: string) => string;
  ce3Identifiers: Record<Ce3Identifier, string>;
  threeDSecure: string;
  usedAfter: (s: ActivitySummary) => string;
  delivered: (count: number, first: string | null, last: string | null, afterPaying: boolean) => string;
  purchaseIp: (ip: string) => string;
  sameCard: (count: number) => string;
  earlierPayments: (count: number) => string;
  cardChecks: (names: string[]) => string;
  cardCheckNames: { cvc: string; street: string; postal: string };
  identity: (name: string | null, email: string) => string;
  accountSince: (at: string) => string;
  /** `policy` as `policyName` gives it. */
  accepted: (policy: string, atCheckout: boolean, at: string | null) => string;
  /** The business's name for a policy (`terms`, `refund`, `sepa debit mandate`) as the sentences use it. */
  policyName: (raw: string) => string;
  policyShown: (policy: string, places: string) => string;
  noCancellation: (paidAt: string) => string;
  cancelledAfter: (cancelledAt: string, paidAt: string) => string;
  messages: (count: number, first: string | null, last: string | null) => string;
  receipt: (number: string | null, email: string | null, at: string | null) => string;
  invoicePaid: (number: string, at: string | null) => string;
  otherCharge: (id: string, at: string) => string;
  refundIssued: (amount: string, at: string | null) => string;
  mandate: (policy: string, at: string | null) => string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-11-16T10:26:00Z` → `16 Nov 2026` (UTC): a date an analyst reads at a glance and the grounding check knows. */
export function day(at: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** The locale's long date, as the template writes dates (drafting/format.ts): `16 novembre 2026`. */
function longDay(language: Exclude<Language, 'en'>): (at: string) => string {
  const format = new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeZone: 'UTC' });
  return (at) => {
    const date = new Date(at);
    return Number.isNaN(date.getTime()) ? at : format.format(date);
  };
}

/** Thousands grouped as the locale groups them, a plain no-break space where it uses a narrow one (i18n/activity.ts). */
const grouped = (locale: string) => (count: number) => count.toLocaleString(locale).replace(/\u202f/g, '\u00a0');
const list = (and: string) => (items: readonly string[]) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)}` : (items[0] ?? '');
/** `on 16 Nov 2026` or `from 16 Nov 2026 to 18 Nov 2026`: a day is named once when everything happened on it. */
const span =
  (dayOf: (at: string) => string, on: (d: string) => string, fromTo: (a: string, b: string) => string) =>
  (first: string | null, last: string | null) =>
    first && last ? (dayOf(first) === dayOf(last) ? on(dayOf(first)) : fromTo(dayOf(first), dayOf(last))) : '';

const enN = grouped('en-US');
const enList = list('and');
const enSpan = span(
  day,
  (d) => ` on ${d}`,
  (a, b) => ` from ${a} to ${b}`,
);

const en: StrongestMessages = {
  day,
  money: (amount, currency) => formatMoney(amount, currency),
  listed: enList,
  answers: {
    // The card tied to the person (3-D Secure, Visa CE 3.0, earlier undisputed payments) says "cardholder"; use after
    // the payment alone says only that the account that paid kept using it.
    authorised_by_cardholder: (has) =>
      has('three_d_secure') || has('visa_ce3') || has('prior_payments')
        ? has('post_payment_activity')
          ? 'The cardholder made this purchase and kept using what they paid for.'
          : 'The cardholder made this purchase.'
        : has('post_payment_activity')
          ? 'The account that made this purchase kept using what it paid for.'
          : null,
    delivered_and_used: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'The customer received what they paid for and used it after paying.'
        : has('deliverables')
          ? 'The customer received what they paid for.'
          : has('post_payment_activity')
            ? 'The customer had what they paid for and used it after paying.'
            : null,
    as_described: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'The customer received the product as it was described, and used it.'
        : has('deliverables')
          ? 'The customer received the product as it was described.'
          : has('post_payment_activity')
            ? 'The customer used the product as it was described.'
            : null,
    not_cancelled_before_charge: (has) =>
      has('no_cancellation_before_charge')
        ? has('post_payment_activity')
          ? 'The subscription was not cancelled before this payment, and the customer kept using it.'
          : 'The subscription was not cancelled before this payment.'
        : null,
    no_credit_due: (has) =>
      has('refund_issued')
        ? 'A refund was already issued on this payment.'
        : has('refund_policy')
          ? `No refund is due under the refund policy${has('policy_acceptance') ? ' the customer accepted' : ''}.`
          : null,
    separate_charges: (has) =>
      has('distinct_charge') ? 'The charges are separate purchases, not one purchase billed twice.' : null,
    service_provided: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'The customer received and used what they paid for.'
        : has('deliverables')
          ? 'The customer received what they paid for.'
          : has('post_payment_activity')
            ? 'The customer used what they paid for.'
            : null,
    debit_authorised: (has) => (has('debit_mandate') ? 'The account holder authorised this debit.' : null),
    purchase_on_record: () => null,
    pay_another_way: () =>
      'The bank could not collect this payment; the records of the purchase it paid for are set out here.',
    compliance_not_contested: () => 'The business does not contest this compliance dispute.',
  },
  recordsOnly: 'The records of this purchase and what followed it are set out here.',
  stripeOnly: 'Stripe’s records of this payment are set out here; the business has no records of its own to add.',
  ce3: (count, shared) => `${count} earlier undisputed payments share this payment’s ${shared} (Visa CE 3.0)`,
  ce3Identifiers: {
    customer_purchase_ip: 'IP address',
    customer_device_fingerprint: 'device fingerprint',
    customer_device_id: 'device',
    customer_account_id: 'account',
    customer_email_address: 'email address',
    shipping_address: 'shipping address',
  },
  threeDSecure: 'The card issuer authenticated the cardholder with 3-D Secure, shifting fraud liability to the issuer',
  usedAfter: (s) =>
    `Used after paying: ${s.events === 1 ? '1 event' : `${enN(s.events)} events`}${day(s.first) === day(s.last) ? `, on ${day(s.first)}` : ` from ${day(s.first)} to ${day(s.last)}`}` +
    (s.checkoutIp && s.fromCheckoutIp > 0
      ? `, ${enN(s.fromCheckoutIp)} of them from the checkout’s IP address ${s.checkoutIp}`
      : ''),
  delivered: (count, first, last, afterPaying) =>
    `${count === 1 ? '1 item' : `${enN(count)} items`} delivered to the customer${afterPaying ? ' after paying' : ''}` +
    (enSpan(first, last) ? `,${enSpan(first, last)}` : ''),
  purchaseIp: (ip) => `The purchase was made from IP address ${ip}`,
  sameCard: (count) =>
    `The same card paid ${count} earlier ${count === 1 ? 'time' : 'times'}, never disputed or refunded`,
  earlierPayments: (count) =>
    `${count} earlier ${count === 1 ? 'payment' : 'payments'} by this customer, never disputed or refunded`,
  cardChecks: (names) => `The ${enList(names)} ${names.length === 1 ? 'check' : 'checks'} passed`,
  cardCheckNames: { cvc: 'CVC', street: 'street address', postal: 'postal code' },
  identity: (name, email) => `Bought ${name ? `in the name “${name}” ` : ''}with the email address ${email}`,
  accountSince: (at) => `The customer’s account dates from ${day(at)}, before this payment`,
  accepted: (policy, atCheckout, at) =>
    `The customer accepted the ${policy}${atCheckout ? ' at checkout' : ''}${at ? ` on ${day(at)}` : ''}`,
  policyName: (raw) =>
    ({ terms: 'terms of service', refund: 'refund policy', cancellation: 'cancellation policy' })[raw] ??
    (/policy|terms|mandate|authori[sz]ation/i.test(raw) ? raw : `${raw} policy`),
  policyShown: (policy, places) => `The ${policy} was shown to customers on the ${places}`,
  noCancellation: (paidAt) => `Stripe records no cancellation request before this payment on ${day(paidAt)}`,
  cancelledAfter: (cancelledAt, paidAt) =>
    `The cancellation was requested on ${day(cancelledAt)}, later than this payment on ${day(paidAt)}`,
  messages: (count, first, last) => `${count === 1 ? 'A message' : 'Messages'} with the customer${enSpan(first, last)}`,
  receipt: (number, email, at) =>
    `Receipt${number ? ` ${number}` : ''} ${email ? `emailed to ${email}` : 'issued'}${at ? ` on ${day(at)}` : ''}`,
  invoicePaid: (number, at) => `Invoice ${number} paid${at ? ` on ${day(at)}` : ''}`,
  otherCharge: (id, at) => `The other charge, ${id} on ${day(at)}, is shown with what each paid for`,
  refundIssued: (amount, at) => `A refund of ${amount} was issued${at ? ` on ${day(at)}` : ''}`,
  mandate: (policy, at) => `The account holder accepted the ${policy}${at ? ` on ${day(at)}` : ''}`,
};

const frDay = longDay('fr');
const frN = grouped('fr-FR');
const frList = list('et');
const frSpan = span(
  frDay,
  (d) => ` le ${d}`,
  (a, b) => ` du ${a} au ${b}`,
);
const frPlural = (count: number, one: string, many: string) => `${frN(count)} ${count > 1 ? many : one}`;

const fr: StrongestMessages = {
  day: frDay,
  money: (amount, currency) => formatMoneyWithCode(amount, currency, LOCALES.fr),
  listed: frList,
  answers: {
    // The card tied to the person (3-D Secure, Visa CE 3.0, earlier undisputed payments) says "cardholder"; use after
    // the payment alone says only that the account that paid kept using it.
    authorised_by_cardholder: (has) =>
      has('three_d_secure') || has('visa_ce3') || has('prior_payments')
        ? has('post_payment_activity')
          ? 'Le titulaire de la carte a effectué cet achat et a continué à utiliser ce qu’il a payé.'
          : 'Le titulaire de la carte a effectué cet achat.'
        : has('post_payment_activity')
          ? 'Le compte qui a effectué cet achat a continué à utiliser ce qu’il a payé.'
          : null,
    delivered_and_used: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'Le client a reçu ce qu’il a payé et l’a utilisé après le paiement.'
        : has('deliverables')
          ? 'Le client a reçu ce qu’il a payé.'
          : has('post_payment_activity')
            ? 'Le client disposait de ce qu’il a payé et l’a utilisé après le paiement.'
            : null,
    as_described: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'Le client a reçu le produit tel qu’il était décrit, et l’a utilisé.'
        : has('deliverables')
          ? 'Le client a reçu le produit tel qu’il était décrit.'
          : has('post_payment_activity')
            ? 'Le client a utilisé le produit tel qu’il était décrit.'
            : null,
    not_cancelled_before_charge: (has) =>
      has('no_cancellation_before_charge')
        ? has('post_payment_activity')
          ? 'L’abonnement n’a pas été résilié avant ce paiement, et le client a continué à l’utiliser.'
          : 'L’abonnement n’a pas été résilié avant ce paiement.'
        : null,
    no_credit_due: (has) =>
      has('refund_issued')
        ? 'Un remboursement a déjà été effectué sur ce paiement.'
        : has('refund_policy')
          ? `Aucun remboursement n’est dû selon la politique de remboursement${has('policy_acceptance') ? ' acceptée par le client' : ''}.`
          : null,
    separate_charges: (has) =>
      has('distinct_charge')
        ? 'Les paiements correspondent à des achats distincts, et non à un même achat facturé deux fois.'
        : null,
    service_provided: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'Le client a reçu et utilisé ce qu’il a payé.'
        : has('deliverables')
          ? 'Le client a reçu ce qu’il a payé.'
          : has('post_payment_activity')
            ? 'Le client a utilisé ce qu’il a payé.'
            : null,
    debit_authorised: (has) => (has('debit_mandate') ? 'Le titulaire du compte a autorisé ce prélèvement.' : null),
    purchase_on_record: () => null,
    pay_another_way: () =>
      'La banque n’a pas pu encaisser ce paiement ; les justificatifs de l’achat qu’il réglait sont présentés ici.',
    compliance_not_contested: () => 'L’entreprise ne conteste pas ce litige de conformité.',
  },
  recordsOnly: 'Les justificatifs de cet achat et de ce qui a suivi sont présentés ici.',
  stripeOnly:
    'Les données de Stripe sur ce paiement sont présentées ici ; l’entreprise n’a pas de données propres à y ajouter.',
  ce3: (count, shared) =>
    `${frPlural(count, 'paiement antérieur non contesté partage', 'paiements antérieurs non contestés partagent')} ${shared} de ce paiement (Visa CE 3.0)`,
  ce3Identifiers: {
    customer_purchase_ip: 'l’adresse IP',
    customer_device_fingerprint: 'l’empreinte de l’appareil',
    customer_device_id: 'l’appareil',
    customer_account_id: 'le compte',
    customer_email_address: 'l’adresse e-mail',
    shipping_address: 'l’adresse de livraison',
  },
  threeDSecure:
    'L’émetteur de la carte a authentifié le titulaire avec 3-D Secure, ce qui transfère la responsabilité en cas de fraude à l’émetteur',
  usedAfter: (s) =>
    `Utilisé après le paiement : ${frPlural(s.events, 'événement', 'événements')}${frSpan(s.first, s.last)}` +
    (s.checkoutIp && s.fromCheckoutIp > 0
      ? `, dont ${frN(s.fromCheckoutIp)} depuis l’adresse IP du paiement en ligne ${s.checkoutIp}`
      : ''),
  delivered: (count, first, last, afterPaying) =>
    `${count > 1 ? `${frN(count)} éléments livrés` : '1 élément livré'} au client${afterPaying ? ' après le paiement' : ''}` +
    (frSpan(first, last) ? `,${frSpan(first, last)}` : ''),
  purchaseIp: (ip) => `L’achat a été effectué depuis l’adresse IP ${ip}`,
  sameCard: (count) =>
    `La même carte a servi à ${frPlural(count, 'paiement antérieur', 'paiements antérieurs')}, jamais contestés ni remboursés`,
  earlierPayments: (count) =>
    `${frPlural(count, 'paiement antérieur', 'paiements antérieurs')} de ce client, jamais contestés ni remboursés`,
  cardChecks: (names) => `${names.length === 1 ? 'Contrôle réussi' : 'Contrôles réussis'} : ${frList(names)}`,
  cardCheckNames: { cvc: 'CVC', street: 'adresse', postal: 'code postal' },
  identity: (name, email) => `Acheté ${name ? `au nom de « ${name} » ` : ''}avec l’adresse e-mail ${email}`,
  accountSince: (at) => `Le compte du client date du ${frDay(at)}, avant ce paiement`,
  accepted: (policy, atCheckout, at) =>
    `Le client a accepté ${policy}${atCheckout ? ' lors du paiement en ligne' : ''}${at ? ` le ${frDay(at)}` : ''}`,
  policyName: policyIn(
    {
      terms: 'les conditions générales',
      refund: 'la politique de remboursement',
      cancellation: 'la politique d’annulation',
    },
    (raw) => `le document « ${raw} »`,
  ),
  policyShown: (policy, places) => `${capital(policy)} était présentée aux clients ici : ${places}`,
  noCancellation: (paidAt) => `Stripe n’enregistre aucune demande de résiliation avant ce paiement du ${frDay(paidAt)}`,
  cancelledAfter: (cancelledAt, paidAt) =>
    `La résiliation a été demandée le ${frDay(cancelledAt)}, après ce paiement du ${frDay(paidAt)}`,
  messages: (count, first, last) =>
    `${count === 1 ? 'Un message' : 'Des messages'} avec le client${frSpan(first, last)}`,
  receipt: (number, email, at) =>
    `Reçu${number ? ` ${number}` : ''} ${email ? `envoyé par e-mail à ${email}` : 'émis'}${at ? ` le ${frDay(at)}` : ''}`,
  invoicePaid: (number, at) => `Facture ${number} payée${at ? ` le ${frDay(at)}` : ''}`,
  otherCharge: (id, at) => `L’autre paiement, ${id} du ${frDay(at)}, est présenté avec ce que chacun a réglé`,
  refundIssued: (amount, at) => `Un remboursement de ${amount} a été effectué${at ? ` le ${frDay(at)}` : ''}`,
  mandate: (policy, at) => `Le titulaire du compte a accepté ${policy}${at ? ` le ${frDay(at)}` : ''}`,
};

const deDay = longDay('de');
const deN = grouped('de-DE');
const deList = list('und');
const deSpan = span(
  deDay,
  (d) => ` am ${d}`,
  (a, b) => ` vom ${a} bis zum ${b}`,
);
const dePlural = (count: number, one: string, many: string) => `${deN(count)} ${count === 1 ? one : many}`;

const de: StrongestMessages = {
  day: deDay,
  money: (amount, currency) => formatMoneyWithCode(amount, currency, LOCALES.de),
  listed: deList,
  answers: {
    // The card tied to the person (3-D Secure, Visa CE 3.0, earlier undisputed payments) says "cardholder"; use after
    // the payment alone says only that the account that paid kept using it.
    authorised_by_cardholder: (has) =>
      has('three_d_secure') || has('visa_ce3') || has('prior_payments')
        ? has('post_payment_activity')
          ? 'Der Karteninhaber hat diesen Kauf getätigt und das Bezahlte weiter genutzt.'
          : 'Der Karteninhaber hat diesen Kauf getätigt.'
        : has('post_payment_activity')
          ? 'Das Konto, mit dem dieser Kauf getätigt wurde, hat das Bezahlte weiter genutzt.'
          : null,
    delivered_and_used: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'Der Kunde hat erhalten, wofür er bezahlt hat, und es nach der Zahlung genutzt.'
        : has('deliverables')
          ? 'Der Kunde hat erhalten, wofür er bezahlt hat.'
          : has('post_payment_activity')
            ? 'Der Kunde hatte, wofür er bezahlt hat, und hat es nach der Zahlung genutzt.'
            : null,
    as_described: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'Der Kunde hat das Produkt wie beschrieben erhalten und genutzt.'
        : has('deliverables')
          ? 'Der Kunde hat das Produkt wie beschrieben erhalten.'
          : has('post_payment_activity')
            ? 'Der Kunde hat das Produkt wie beschrieben genutzt.'
            : null,
    not_cancelled_before_charge: (has) =>
      has('no_cancellation_before_charge')
        ? has('post_payment_activity')
          ? 'Das Abonnement wurde vor dieser Zahlung nicht gekündigt, und der Kunde hat es weiter genutzt.'
          : 'Das Abonnement wurde vor dieser Zahlung nicht gekündigt.'
        : null,
    no_credit_due: (has) =>
      has('refund_issued')
        ? 'Für diese Zahlung wurde bereits eine Erstattung geleistet.'
        : has('refund_policy')
          ? `Nach der Erstattungsrichtlinie${has('policy_acceptance') ? ', der der Kunde zugestimmt hat,' : ''} ist keine Erstattung fällig.`
          : null,
    separate_charges: (has) =>
      has('distinct_charge')
        ? 'Die Zahlungen sind getrennte Käufe, nicht ein Kauf, der zweimal berechnet wurde.'
        : null,
    service_provided: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'Der Kunde hat erhalten und genutzt, wofür er bezahlt hat.'
        : has('deliverables')
          ? 'Der Kunde hat erhalten, wofür er bezahlt hat.'
          : has('post_payment_activity')
            ? 'Der Kunde hat genutzt, wofür er bezahlt hat.'
            : null,
    debit_authorised: (has) => (has('debit_mandate') ? 'Der Kontoinhaber hat diese Lastschrift autorisiert.' : null),
    purchase_on_record: () => null,
    pay_another_way: () =>
      'Die Bank konnte diese Zahlung nicht einziehen; die Unterlagen zu dem Kauf, den sie bezahlte, sind hier aufgeführt.',
    compliance_not_contested: () => 'Das Unternehmen widerspricht dieser Compliance-Rückbuchung nicht.',
  },
  recordsOnly: 'Die Unterlagen zu diesem Kauf und zu allem, was darauf folgte, sind hier aufgeführt.',
  stripeOnly:
    'Hier stehen die Daten von Stripe zu dieser Zahlung; das Unternehmen hat keine eigenen Daten hinzuzufügen.',
  ce3: (count, shared) =>
    `${dePlural(count, 'frühere unbeanstandete Zahlung teilt', 'frühere unbeanstandete Zahlungen teilen')} ${shared} dieser Zahlung (Visa CE 3.0)`,
  ce3Identifiers: {
    customer_purchase_ip: 'die IP-Adresse',
    customer_device_fingerprint: 'den Geräte-Fingerabdruck',
    customer_device_id: 'das Gerät',
    customer_account_id: 'das Konto',
    customer_email_address: 'die E-Mail-Adresse',
    shipping_address: 'die Lieferadresse',
  },
  threeDSecure:
    'Der Kartenherausgeber hat den Karteninhaber mit 3-D Secure authentifiziert; die Haftung für Betrug liegt damit beim Kartenherausgeber',
  usedAfter: (s) =>
    `Nach der Zahlung genutzt: ${dePlural(s.events, 'Ereignis', 'Ereignisse')}${deSpan(s.first, s.last)}` +
    (s.checkoutIp && s.fromCheckoutIp > 0
      ? `, davon ${deN(s.fromCheckoutIp)} von der IP-Adresse des Bezahlvorgangs ${s.checkoutIp}`
      : ''),
  delivered: (count, first, last, afterPaying) =>
    `${count === 1 ? '1 Element' : `${deN(count)} Elemente`}${afterPaying ? ' nach der Zahlung' : ''} an den Kunden geliefert` +
    (deSpan(first, last) ? `,${deSpan(first, last)}` : ''),
  purchaseIp: (ip) => `Der Kauf erfolgte von der IP-Adresse ${ip}`,
  sameCard: (count) =>
    `Mit derselben Karte wurde schon ${count === 1 ? 'einmal' : `${deN(count)} Mal`} bezahlt, nie beanstandet oder erstattet`,
  earlierPayments: (count) =>
    `${dePlural(count, 'frühere Zahlung', 'frühere Zahlungen')} dieses Kunden, nie beanstandet oder erstattet`,
  cardChecks: (names) => `${names.length === 1 ? 'Bestandene Prüfung' : 'Bestandene Prüfungen'}: ${deList(names)}`,
  cardCheckNames: { cvc: 'CVC', street: 'Straße', postal: 'Postleitzahl' },
  identity: (name, email) => `Gekauft ${name ? `auf den Namen „${name}“ ` : ''}mit der E-Mail-Adresse ${email}`,
  accountSince: (at) => `Das Konto des Kunden besteht seit dem ${deDay(at)}, vor dieser Zahlung`,
  accepted: (policy, atCheckout, at) =>
    `Der Kunde hat ${policy}${atCheckout ? ' beim Bezahlvorgang' : ''}${at ? ` am ${deDay(at)}` : ''} akzeptiert`,
  policyName: policyIn(
    {
      terms: 'die Nutzungsbedingungen',
      refund: 'die Erstattungsrichtlinie',
      cancellation: 'die Kündigungsrichtlinie',
    },
    (raw) => `das Dokument „${raw}“`,
  ),
  policyShown: (policy, places) => `${capital(policy)} wurde den Kunden hier angezeigt: ${places}`,
  noCancellation: (paidAt) => `Stripe verzeichnet keine Kündigung vor dieser Zahlung am ${deDay(paidAt)}`,
  cancelledAfter: (cancelledAt, paidAt) =>
    `Die Kündigung wurde am ${deDay(cancelledAt)} verlangt, nach dieser Zahlung am ${deDay(paidAt)}`,
  messages: (count, first, last) =>
    `${count === 1 ? 'Eine Nachricht' : 'Nachrichten'} mit dem Kunden${deSpan(first, last)}`,
  receipt: (number, email, at) =>
    `Beleg${number ? ` ${number}` : ''} ${email ? `per E-Mail an ${email} gesendet` : 'ausgestellt'}${at ? ` am ${deDay(at)}` : ''}`,
  invoicePaid: (number, at) => `Rechnung ${number} bezahlt${at ? ` am ${deDay(at)}` : ''}`,
  otherCharge: (id, at) => `Die andere Zahlung, ${id} vom ${deDay(at)}, ist mit dem aufgeführt, wofür jede bezahlte`,
  refundIssued: (amount, at) => `Eine Erstattung von ${amount} wurde${at ? ` am ${deDay(at)}` : ''} geleistet`,
  mandate: (policy, at) => `Der Kontoinhaber hat ${policy}${at ? ` am ${deDay(at)}` : ''} akzeptiert`,
};

const esDay = longDay('es');
const esN = grouped('es-ES');
const esList = list('y');
const esSpan = span(
  esDay,
  (d) => ` el ${d}`,
  (a, b) => ` del ${a} al ${b}`,
);
const esPlural = (count: number, one: string, many: string) => `${esN(count)} ${count === 1 ? one : many}`;

const es: StrongestMessages = {
  day: esDay,
  money: (amount, currency) => formatMoneyWithCode(amount, currency, LOCALES.es),
  listed: esList,
  answers: {
    // The card tied to the person (3-D Secure, Visa CE 3.0, earlier undisputed payments) says "cardholder"; use after
    // the payment alone says only that the account that paid kept using it.
    authorised_by_cardholder: (has) =>
      has('three_d_secure') || has('visa_ce3') || has('prior_payments')
        ? has('post_payment_activity')
          ? 'El titular de la tarjeta hizo esta compra y siguió usando lo que pagó.'
          : 'El titular de la tarjeta hizo esta compra.'
        : has('post_payment_activity')
          ? 'La cuenta que hizo esta compra siguió usando lo que pagó.'
          : null,
    delivered_and_used: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'El cliente recibió lo que pagó y lo usó después del pago.'
        : has('deliverables')
          ? 'El cliente recibió lo que pagó.'
          : has('post_payment_activity')
            ? 'El cliente tenía lo que pagó y lo usó después del pago.'
            : null,
    as_described: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'El cliente recibió el producto tal como se describía, y lo usó.'
        : has('deliverables')
          ? 'El cliente recibió el producto tal como se describía.'
          : has('post_payment_activity')
            ? 'El cliente usó el producto tal como se describía.'
            : null,
    not_cancelled_before_charge: (has) =>
      has('no_cancellation_before_charge')
        ? has('post_payment_activity')
          ? 'La suscripción no se canceló antes de este pago, y el cliente siguió usándola.'
          : 'La suscripción no se canceló antes de este pago.'
        : null,
    no_credit_due: (has) =>
      has('refund_issued')
        ? 'Ya se emitió un reembolso sobre este pago.'
        : has('refund_policy')
          ? `No corresponde ningún reembolso según la política de reembolsos${has('policy_acceptance') ? ' que el cliente aceptó' : ''}.`
          : null,
    separate_charges: (has) =>
      has('distinct_charge') ? 'Los cargos son compras distintas, no una misma compra cobrada dos veces.' : null,
    service_provided: (has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'El cliente recibió y usó lo que pagó.'
        : has('deliverables')
          ? 'El cliente recibió lo que pagó.'
          : has('post_payment_activity')
            ? 'El cliente usó lo que pagó.'
            : null,
    debit_authorised: (has) => (has('debit_mandate') ? 'El titular de la cuenta autorizó este adeudo.' : null),
    purchase_on_record: () => null,
    pay_another_way: () => 'El banco no pudo cobrar este pago; aquí figuran los registros de la compra que pagaba.',
    compliance_not_contested: () => 'La empresa no impugna esta disputa de cumplimiento.',
  },
  recordsOnly: 'Aquí figuran los registros de esta compra y de lo que siguió.',
  stripeOnly: 'Aquí figuran los registros de Stripe sobre este pago; la empresa no tiene registros propios que añadir.',
  ce3: (count, shared) =>
    `${esPlural(count, 'pago anterior no disputado comparte', 'pagos anteriores no disputados comparten')} ${shared} de este pago (Visa CE 3.0)`,
  ce3Identifiers: {
    customer_purchase_ip: 'la dirección IP',
    customer_device_fingerprint: 'la huella del dispositivo',
    customer_device_id: 'el dispositivo',
    customer_account_id: 'la cuenta',
    customer_email_address: 'la dirección de correo electrónico',
    shipping_address: 'la dirección de envío',
  },
  threeDSecure:
    'El emisor de la tarjeta autenticó al titular con 3-D Secure, lo que traslada al emisor la responsabilidad por fraude',
  usedAfter: (s) =>
    `Usado después del pago: ${esPlural(s.events, 'evento', 'eventos')}${esSpan(s.first, s.last)}` +
    (s.checkoutIp && s.fromCheckoutIp > 0
      ? `, ${esN(s.fromCheckoutIp)} de ellos desde la dirección IP del pago ${s.checkoutIp}`
      : ''),
  delivered: (count, first, last, afterPaying) =>
    `${count === 1 ? '1 elemento entregado' : `${esN(count)} elementos entregados`} al cliente${afterPaying ? ' después del pago' : ''}` +
    (esSpan(first, last) ? `,${esSpan(first, last)}` : ''),
  purchaseIp: (ip) => `La compra se hizo desde la dirección IP ${ip}`,
  sameCard: (count) =>
    `La misma tarjeta pagó ${count === 1 ? '1 vez' : `${esN(count)} veces`} antes, nunca disputada ni reembolsada`,
  earlierPayments: (count) =>
    `${esPlural(count, 'pago anterior', 'pagos anteriores')} de este cliente, nunca disputados ni reembolsados`,
  cardChecks: (names) =>
    `${names.length === 1 ? 'Comprobación superada' : 'Comprobaciones superadas'}: ${esList(names)}`,
  cardCheckNames: { cvc: 'CVC', street: 'dirección', postal: 'código postal' },
  identity: (name, email) =>
    `Comprado ${name ? `a nombre de «${name}» ` : ''}con la dirección de correo electrónico ${email}`,
  accountSince: (at) => `La cuenta del cliente existe desde el ${esDay(at)}, antes de este pago`,
  accepted: (policy, atCheckout, at) =>
    `El cliente aceptó ${policy}${atCheckout ? ' al pagar' : ''}${at ? ` el ${esDay(at)}` : ''}`,
  policyName: policyIn(
    {
      terms: 'los términos del servicio',
      refund: 'la política de reembolsos',
      cancellation: 'la política de cancelación',
    },
    (raw) => `el documento «${raw}»`,
  ),
  policyShown: (policy, places) => `${capital(policy)} se mostró a los clientes aquí: ${places}`,
  noCancellation: (paidAt) =>
    `Stripe no registra ninguna solicitud de cancelación antes de este pago del ${esDay(paidAt)}`,
  cancelledAfter: (cancelledAt, paidAt) =>
    `La cancelación se solicitó el ${esDay(cancelledAt)}, después de este pago del ${esDay(paidAt)}`,
  messages: (count, first, last) => `${count === 1 ? 'Un mensaje' : 'Mensajes'} con el cliente${esSpan(first, last)}`,
  receipt: (number, email, at) =>
    `Recibo${number ? ` ${number}` : ''} ${email ? `enviado por correo electrónico a ${email}` : 'emitido'}${at ? ` el ${esDay(at)}` : ''}`,
  invoicePaid: (number, at) => `Factura ${number} pagada${at ? ` el ${esDay(at)}` : ''}`,
  otherCharge: (id, at) => `El otro cargo, ${id} del ${esDay(at)}, figura con lo que pagó cada uno`,
  refundIssued: (amount, at) => `Se emitió un reembolso de ${amount}${at ? ` el ${esDay(at)}` : ''}`,
  mandate: (policy, at) => `El titular de la cuenta aceptó ${policy}${at ? ` el ${esDay(at)}` : ''}`,
};

/** The policies every language names in its own words; another the business names is quoted as it names it. */
function knownPolicy(raw: string): 'terms' | 'refund' | 'cancellation' | null {
  const name = raw.trim().toLowerCase();
  if (/^(?:terms|terms of (?:service|use)|tos)$/.test(name)) return 'terms';
  if (/^refunds?(?: policy)?$/.test(name)) return 'refund';
  if (/^cancell?ations?(?: policy)?$/.test(name)) return 'cancellation';
  return null;
}

function policyIn(
  names: Record<'terms' | 'refund' | 'cancellation', string>,
  other: (raw: string) => string,
): (raw: string) => string {
  return (raw) => {
    const known = knownPolicy(raw);
    return known ? names[known] : other(raw);
  };
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const STRONGEST_MESSAGES: Record<Language, StrongestMessages> = { en, fr, de, es };
