import type { Language } from '../dispute/language.js';
import type { PlaybookReason } from '../dispute/reasons.js';

/**
 * The template rebuttal's own words in each language the bank may read (docs/architecture.md → "The reader's
 * language"): one typed object per language with the same keys, so a new sentence is added to all four or `tsc`
 * fails. Values (amounts, dates, ids, names) come in as arguments, already formatted for the language; the facts'
 * own sentences are not here: they are the evidence's, and go to the bank as the evidence states them.
 */
export interface RebuttalMessages {
  /** The opening: who answers which dispute on which charge for how much. */
  header: (args: {
    business: string;
    contests: boolean;
    disputeId: string;
    chargeId: string;
    amount: string;
  }) => string;
  /** What the cardholder says, one neutral sentence per strategy. */
  claims: Record<PlaybookReason | 'fallback', string>;
  /** What the business says instead of asking to win, for the reasons evidence cannot win. */
  concessions: { noncompliant: (business: string) => string; payAnotherWay: (business: string) => string };
  closing: (business: string) => string;
  customer: (who: string) => string;
  customerWrote: string;
  activityHeadings: { complete: string; partial: string; absent: string };
  stripeRecords: string;
  timeline: string;
  otherRecords: string;
  /** `date` already formatted; `time` as `14:03`. */
  dateAt: (date: string, time: string) => string;
  /** A timeline line's date before its fact: `March 4, 2026: …`; French puts a space before the colon. */
  dated: (date: string, text: string) => string;
  /**
   * The words a fact's sentence (i18n/facts.ts) puts before its own time (`succeeded on 2026-11-16 18:34 UTC`): on a
   * timeline line, which opens with that time, the sentence goes without them.
   */
  ownTimeWords: readonly string[];
  /**
   * The words after which a sentence names its fact's own day alone (`started on 2026-09-14`, `paid on …`, `opened on
   * …`): on a timeline line that day goes too. Only these: after others (`est client depuis le …`, `que cubre del …`)
   * the date is part of what the sentence says, and without it the sentence would break.
   */
  ownDayAfter: readonly string[];
  /** `a, b and c`. */
  and: string;
  /** The policy's name as the sentence uses it: `refund` → "refund policy", `terms` → "terms". */
  policyName: (policy: string) => string;
  /**
   * The opening's points, as page 1 of the service documentation states them (drafting/template.ts `openingOf`): each
   * with where its proof is, `file` being the packet's title for it in this language.
   */
  opening: {
    heading: string;
    line: (text: string, where: string | null) => string;
    pages: (file: string, from: number, to: number) => string;
    file: (file: string) => string;
  };
  points: PointMessages;
}

/** drafting/points.ts: each sentence is said only when the facts it names are in the rebuttal. */
export interface PointMessages {
  checkNames: { cvc: string; street: string; postal: string; threeDSecure: string };
  riskListed: string;
  checksListed: (names: string, count: number) => string;
  sameCardEarlier: string;
  earlierPayments: string;
  useSummarised: (afterPayment: boolean) => string;
  /** With `times` and/or `ips` when the facts carry them; `inOrder` when they are timed. */
  useListed: (details: { times: boolean; ips: boolean }) => string;
  acceptanceRecorded: string;
  acceptedAtCheckout: (policies: string) => string;
  correspondence: string;
  refundsIssued: string;
  refundsFailed: string;
  whatAndWhen: string;
  when: string;
  accountWithEmail: string;
  account: string;
  delivered: string;
  activitySummarised: (afterPayment: boolean) => string;
  activityListed: string;
  activityBeforeAndAfter: string;
  activityAfter: (logins: boolean) => string;
  productDescribed: string;
  subscriptionRenewals: string;
  subscriptionAndInvoice: string;
  subscription: string;
  usedAfterSummarised: string;
  usedAfterListed: string;
  policiesQuoted: (policies: string, count: number) => string;
  eachPayment: string;
}

const en: RebuttalMessages = {
  header: ({ business, contests, disputeId, chargeId, amount }) =>
    `${business} ${contests ? 'contests' : 'answers'} dispute ${disputeId} on charge ${chargeId} for ${amount}.`,
  claims: {
    fraudulent: 'The cardholder says they did not authorise this payment.',
    unrecognized: 'The cardholder says they do not recognise this payment.',
    product_not_received: 'The cardholder says they did not receive what they paid for.',
    product_unacceptable: 'The cardholder says the product was defective or not as described.',
    subscription_canceled: 'The cardholder says they cancelled the subscription before this payment.',
    credit_not_processed: 'The cardholder says a refund or credit they were owed was not processed.',
    duplicate: 'The cardholder says they were charged more than once for the same purchase.',
    general: 'The cardholder disputes this payment.',
    debit_not_authorized: 'The account holder says they did not authorise this debit from their bank account.',
    customer_initiated: 'The customer asked their bank to return this payment.',
    bank_cannot_process: "The customer's bank could not process this payment.",
    check_returned: 'The check this payment was made with was returned unpaid.',
    incorrect_account_details: 'The bank returned this payment because the account details given were incorrect.',
    insufficient_funds: "The customer's bank returned this payment because the account did not hold enough money.",
    noncompliant: "The issuer says this payment did not follow the card network's rules (a compliance dispute).",
    fallback: 'The cardholder disputes this payment.',
  },
  concessions: {
    noncompliant: (business) => `${business} does not contest this compliance dispute.`,
    payAnotherWay: (business) =>
      `${business} does not dispute that this payment could not be collected; these records show the purchase it was for.`,
  },
  closing: (business) => `Based on these records, ${business} asks that this dispute be decided in its favour.`,
  customer: (who) => `Customer: ${who}.`,
  customerWrote: 'The customer wrote to us.',
  activityHeadings: {
    complete: 'Account activity (every event is in the activity log of the service documentation):',
    partial:
      'Account activity (the activity log of the service documentation shows the first and last events and those ' +
      'around the payment):',
    absent: 'Account activity:',
  },
  stripeRecords: "Stripe's records of the payment:",
  timeline: 'Timeline:',
  otherRecords: 'Other records:',
  dateAt: (date, time) => `${date} at ${time} UTC`,
  dated: (date, text) => `${date}: ${text}`,
  ownTimeWords: ['on'],
  ownDayAfter: ['started', 'paid', 'opened'],
  and: 'and',
  policyName: (policy) => (policy === 'terms' ? 'terms' : `${policy} policy`),
  opening: {
    heading: 'The strongest evidence:',
    line: (text, where) => `- ${text}${where ? ` (${where})` : ''}.`,
    pages: (file, from, to) => `${file.toLowerCase()}, ${from === to ? `page ${from}` : `pages ${from}–${to}`}`,
    file: (file) => `${file.toLowerCase()} file`,
  },
  points: {
    checkNames: { cvc: 'CVC', street: 'street address', postal: 'postal code', threeDSecure: '3-D Secure' },
    riskListed: "Stripe's risk assessment of the payment is listed below.",
    checksListed: (names, count) =>
      `The card ${count === 1 ? 'check' : 'checks'} recorded for the payment (${names}) ${count === 1 ? 'is' : 'are'} listed below.`,
    sameCardEarlier: 'The same card was used for earlier payments to us that were not disputed.',
    earlierPayments: 'Earlier payments from this customer are listed below.',
    useSummarised: (after) =>
      `The customer's use of the product${after ? ' after the payment' : ''} is summarised below.`,
    useListed: ({ times, ips }) => {
      const details = [times ? 'times' : '', ips ? 'IP addresses' : ''].filter(Boolean);
      const withDetails = details.length > 0 ? `, with ${details.join(' and ')},` : '';
      return `The customer's use of the product${withDetails} is listed below${times ? ' in order' : ''}.`;
    },
    acceptanceRecorded: "The customer's acceptance of our policies is recorded below.",
    acceptedAtCheckout: (policies) => `The customer accepted our ${policies} at checkout, as recorded below.`,
    correspondence: 'Correspondence with the customer is listed below.',
    refundsIssued: 'Refunds already issued on this payment are listed below.',
    refundsFailed: 'Refund attempts on this payment, none of which went through, are listed below.',
    whatAndWhen: 'The records below show what the payment was for and when it was made.',
    when: 'The payment record below shows when it was made.',
    accountWithEmail: 'The purchase was made with the account and email listed below.',
    account: 'The account behind the purchase is listed below.',
    delivered: 'What was delivered to the customer is listed below.',
    activitySummarised: (after) =>
      `The customer's account activity ${after ? 'after the payment' : 'before the payment'} is summarised below.`,
    activityListed: "The customer's account activity is listed below.",
    activityBeforeAndAfter: "The customer's account activity, before and after the payment, is listed below.",
    activityAfter: (logins) =>
      `The customer's ${logins ? 'logins and use' : 'use of the product'} after the payment ${logins ? 'are' : 'is'} listed below.`,
    productDescribed: 'What the product is, as we describe it, is set out below.',
    subscriptionRenewals: "The subscription's history and renewals are listed below.",
    subscriptionAndInvoice: 'The subscription and its invoice are listed below.',
    subscription: 'The subscription is listed below.',
    usedAfterSummarised: 'The customer used the product after this payment, as summarised below.',
    usedAfterListed: 'The customer used the product after this payment, as listed below.',
    policiesQuoted: (policies, count) => `Our ${policies} ${count === 1 ? 'is' : 'are'} quoted below.`,
    eachPayment: 'Each payment is listed below.',
  },
};

const fr: RebuttalMessages = {
  header: ({ business, contests, disputeId, chargeId, amount }) =>
    `${business} ${contests ? 'conteste le' : 'répond au'} litige ${disputeId} portant sur le paiement ${chargeId} de ${amount}.`,
  claims: {
    fraudulent: 'Le titulaire de la carte déclare ne pas avoir autorisé ce paiement.',
    unrecognized: 'Le titulaire de la carte déclare ne pas reconnaître ce paiement.',
    product_not_received: "Le titulaire de la carte déclare ne pas avoir reçu ce qu'il a payé.",
    product_unacceptable:
      'Le titulaire de la carte déclare que le produit était défectueux ou non conforme à sa description.',
    subscription_canceled: "Le titulaire de la carte déclare avoir résilié l'abonnement avant ce paiement.",
    credit_not_processed:
      "Le titulaire de la carte déclare qu'un remboursement ou un avoir qui lui était dû n'a pas été traité.",
    duplicate: 'Le titulaire de la carte déclare avoir été débité plusieurs fois pour le même achat.',
    general: 'Le titulaire de la carte conteste ce paiement.',
    debit_not_authorized:
      'Le titulaire du compte déclare ne pas avoir autorisé ce prélèvement sur son compte bancaire.',
    customer_initiated: 'Le client a demandé à sa banque de rejeter ce paiement.',
    bank_cannot_process: "La banque du client n'a pas pu traiter ce paiement.",
    check_returned: 'Le chèque utilisé pour ce paiement a été rejeté pour défaut de paiement.',
    incorrect_account_details:
      'La banque a rejeté ce paiement parce que les coordonnées bancaires fournies étaient incorrectes.',
    insufficient_funds: 'La banque du client a rejeté ce paiement faute de provision suffisante sur le compte.',
    noncompliant:
      "L'émetteur déclare que ce paiement ne respectait pas les règles du réseau de cartes (litige de conformité).",
    fallback: 'Le titulaire de la carte conteste ce paiement.',
  },
  concessions: {
    noncompliant: (business) => `${business} ne conteste pas ce litige de conformité.`,
    payAnotherWay: (business) =>
      `${business} ne conteste pas que ce paiement n'a pas pu être encaissé ; les pièces ci-dessous montrent l'achat auquel il correspond.`,
  },
  closing: (business) => `Sur la base de ces éléments, ${business} demande que ce litige soit tranché en sa faveur.`,
  customer: (who) => `Client : ${who}.`,
  customerWrote: 'Le client nous a écrit.',
  activityHeadings: {
    complete:
      "Activité du compte (chaque événement figure dans le journal d'activité de la documentation du service) :",
    partial:
      "Activité du compte (le journal d'activité de la documentation du service présente les premiers et derniers " +
      'événements ainsi que ceux qui entourent le paiement) :',
    absent: 'Activité du compte :',
  },
  stripeRecords: 'Données de Stripe sur le paiement :',
  timeline: 'Chronologie :',
  otherRecords: 'Autres éléments :',
  dateAt: (date, time) => `${date} à ${time} UTC`,
  dated: (date, text) => `${date} : ${text}`,
  ownTimeWords: ['le'],
  ownDayAfter: ['commencé', 'payée', 'ouvert'],
  and: 'et',
  policyName: (policy) =>
    ({
      refund: 'notre politique de remboursement',
      cancellation: "notre politique d'annulation",
      terms: 'nos conditions générales',
    })[policy] ?? `notre politique « ${policy} »`,
  opening: {
    heading: 'Les éléments les plus probants :',
    line: (text, where) => `- ${text}${where ? ` (${where})` : ''}.`,
    pages: (file, from, to) => `${file.toLowerCase()}, ${from === to ? `page ${from}` : `pages ${from}–${to}`}`,
    file: (file) => `fichier « ${file} »`,
  },
  points: {
    checkNames: { cvc: 'CVC', street: 'adresse', postal: 'code postal', threeDSecure: '3-D Secure' },
    riskListed: "L'évaluation du risque du paiement par Stripe figure ci-dessous.",
    checksListed: (names, count) =>
      count === 1
        ? `La vérification de carte enregistrée pour ce paiement (${names}) figure ci-dessous.`
        : `Les vérifications de carte enregistrées pour ce paiement (${names}) figurent ci-dessous.`,
    sameCardEarlier: 'La même carte a servi à des paiements antérieurs chez nous, qui n’ont pas été contestés.',
    earlierPayments: 'Les paiements antérieurs de ce client figurent ci-dessous.',
    useSummarised: (after) =>
      `L'utilisation du produit par le client${after ? ' après le paiement' : ''} est résumée ci-dessous.`,
    useListed: ({ times, ips }) => {
      const details = [times ? 'les horaires' : '', ips ? 'les adresses IP' : ''].filter(Boolean);
      const withDetails = details.length > 0 ? `, avec ${details.join(' et ')},` : '';
      return `L'utilisation du produit par le client${withDetails} figure ci-dessous${times ? ' dans l’ordre chronologique' : ''}.`;
    },
    acceptanceRecorded: "L'acceptation de nos conditions par le client est enregistrée ci-dessous.",
    acceptedAtCheckout: (policies) =>
      `Le client a accepté ${policies} lors du paiement en ligne, comme enregistré ci-dessous.`,
    correspondence: 'La correspondance avec le client figure ci-dessous.',
    refundsIssued: 'Les remboursements déjà effectués sur ce paiement figurent ci-dessous.',
    refundsFailed: "Les tentatives de remboursement sur ce paiement, dont aucune n'a abouti, figurent ci-dessous.",
    whatAndWhen: 'Les pièces ci-dessous montrent ce que le paiement a réglé et à quelle date il a été effectué.',
    when: 'Le relevé de paiement ci-dessous montre à quelle date il a été effectué.',
    accountWithEmail: "L'achat a été effectué avec le compte et l'adresse e-mail indiqués ci-dessous.",
    account: "Le compte à l'origine de l'achat figure ci-dessous.",
    delivered: 'Ce qui a été livré au client figure ci-dessous.',
    activitySummarised: (after) =>
      `L'activité du compte du client ${after ? 'après' : 'avant'} le paiement est résumée ci-dessous.`,
    activityListed: "L'activité du compte du client figure ci-dessous.",
    activityBeforeAndAfter: "L'activité du compte du client, avant et après le paiement, figure ci-dessous.",
    activityAfter: (logins) =>
      logins
        ? 'Les connexions et l’utilisation du client après le paiement figurent ci-dessous.'
        : "L'utilisation du produit par le client après le paiement figure ci-dessous.",
    productDescribed: 'La description du produit, telle que nous la présentons, figure ci-dessous.',
    subscriptionRenewals: "L'historique de l'abonnement et ses renouvellements figurent ci-dessous.",
    subscriptionAndInvoice: "L'abonnement et sa facture figurent ci-dessous.",
    subscription: "L'abonnement figure ci-dessous.",
    usedAfterSummarised: 'Le client a utilisé le produit après ce paiement, comme le montre le résumé ci-dessous.',
    usedAfterListed: 'Le client a utilisé le produit après ce paiement, comme indiqué ci-dessous.',
    policiesQuoted: (policies) => `Nous citons ci-dessous ${policies}.`,
    eachPayment: 'Chaque paiement figure ci-dessous.',
  },
};

const de: RebuttalMessages = {
  header: ({ business, contests, disputeId, chargeId, amount }) =>
    `${business} ${contests ? 'widerspricht der' : 'antwortet auf die'} Rückbuchung ${disputeId} zur Zahlung ${chargeId} über ${amount}.`,
  claims: {
    fraudulent: 'Der Karteninhaber gibt an, diese Zahlung nicht autorisiert zu haben.',
    unrecognized: 'Der Karteninhaber gibt an, diese Zahlung nicht zu erkennen.',
    product_not_received: 'Der Karteninhaber gibt an, das Bezahlte nicht erhalten zu haben.',
    product_unacceptable:
      'Der Karteninhaber gibt an, das Produkt sei mangelhaft gewesen oder habe nicht der Beschreibung entsprochen.',
    subscription_canceled: 'Der Karteninhaber gibt an, das Abonnement vor dieser Zahlung gekündigt zu haben.',
    credit_not_processed:
      'Der Karteninhaber gibt an, eine ihm zustehende Erstattung oder Gutschrift sei nicht bearbeitet worden.',
    duplicate: 'Der Karteninhaber gibt an, für denselben Kauf mehrfach belastet worden zu sein.',
    general: 'Der Karteninhaber beanstandet diese Zahlung.',
    debit_not_authorized:
      'Der Kontoinhaber gibt an, diese Lastschrift von seinem Bankkonto nicht autorisiert zu haben.',
    customer_initiated: 'Der Kunde hat seine Bank gebeten, diese Zahlung zurückzubuchen.',
    bank_cannot_process: 'Die Bank des Kunden konnte diese Zahlung nicht verarbeiten.',
    check_returned: 'Der Scheck, mit dem diese Zahlung geleistet wurde, wurde nicht eingelöst.',
    incorrect_account_details:
      'Die Bank hat diese Zahlung zurückgegeben, weil die angegebenen Kontodaten falsch waren.',
    insufficient_funds: 'Die Bank des Kunden hat diese Zahlung mangels Kontodeckung zurückgegeben.',
    noncompliant:
      'Der Kartenherausgeber gibt an, diese Zahlung habe nicht den Regeln des Kartennetzwerks entsprochen (Compliance-Fall).',
    fallback: 'Der Karteninhaber beanstandet diese Zahlung.',
  },
  concessions: {
    noncompliant: (business) => `${business} widerspricht diesem Compliance-Fall nicht.`,
    payAnotherWay: (business) =>
      `${business} bestreitet nicht, dass diese Zahlung nicht eingezogen werden konnte; die folgenden Unterlagen zeigen den Kauf, für den sie bestimmt war.`,
  },
  closing: (business) =>
    `Auf Grundlage dieser Unterlagen bittet ${business} darum, diesen Fall zu seinen Gunsten zu entscheiden.`,
  customer: (who) => `Kunde: ${who}.`,
  customerWrote: 'Der Kunde hat uns geschrieben.',
  activityHeadings: {
    complete: 'Kontoaktivität (jedes Ereignis steht im Aktivitätsprotokoll der Leistungsdokumentation):',
    partial:
      'Kontoaktivität (das Aktivitätsprotokoll der Leistungsdokumentation zeigt die ersten und letzten Ereignisse ' +
      'sowie die rund um die Zahlung):',
    absent: 'Kontoaktivität:',
  },
  stripeRecords: 'Aufzeichnungen von Stripe zur Zahlung:',
  timeline: 'Zeitlicher Ablauf:',
  otherRecords: 'Weitere Unterlagen:',
  dateAt: (date, time) => `${date} um ${time} UTC`,
  dated: (date, text) => `${date}: ${text}`,
  ownTimeWords: ['am', 'vom'],
  ownDayAfter: ['begonnen', 'bezahlt'],
  and: 'und',
  policyName: (policy) =>
    ({
      refund: 'unsere Erstattungsrichtlinie',
      cancellation: 'unsere Kündigungsbedingungen',
      terms: 'unsere Allgemeinen Geschäftsbedingungen',
    })[policy] ?? `unsere Richtlinie „${policy}“`,
  opening: {
    heading: 'Die stärksten Nachweise:',
    line: (text, where) => `- ${text}${where ? ` (${where})` : ''}.`,
    // German nouns keep their capital: "Leistungsdokumentation, Seiten 5–6".
    pages: (file, from, to) => `${file}, ${from === to ? `Seite ${from}` : `Seiten ${from}–${to}`}`,
    file: (file) => `Datei „${file}“`,
  },
  points: {
    checkNames: { cvc: 'CVC', street: 'Straße', postal: 'Postleitzahl', threeDSecure: '3-D Secure' },
    riskListed: 'Die Risikobewertung der Zahlung durch Stripe ist unten aufgeführt.',
    checksListed: (names, count) =>
      count === 1
        ? `Die für die Zahlung erfasste Kartenprüfung (${names}) ist unten aufgeführt.`
        : `Die für die Zahlung erfassten Kartenprüfungen (${names}) sind unten aufgeführt.`,
    sameCardEarlier: 'Dieselbe Karte wurde für frühere, nicht beanstandete Zahlungen an uns verwendet.',
    earlierPayments: 'Frühere Zahlungen dieses Kunden sind unten aufgeführt.',
    useSummarised: (after) =>
      `Die Nutzung des Produkts durch den Kunden${after ? ' nach der Zahlung' : ''} ist unten zusammengefasst.`,
    useListed: ({ times, ips }) => {
      const details = [times ? 'Uhrzeiten' : '', ips ? 'IP-Adressen' : ''].filter(Boolean);
      const withDetails = details.length > 0 ? ` mit ${details.join(' und ')}` : '';
      return `Die Nutzung des Produkts durch den Kunden ist unten${times ? ' in zeitlicher Reihenfolge' : ''}${withDetails} aufgeführt.`;
    },
    acceptanceRecorded: 'Die Zustimmung des Kunden zu unseren Bedingungen ist unten festgehalten.',
    acceptedAtCheckout: (policies) =>
      `Der Kunde hat beim Bezahlvorgang ${policies} akzeptiert, wie unten festgehalten.`,
    correspondence: 'Die Korrespondenz mit dem Kunden ist unten aufgeführt.',
    refundsIssued: 'Bereits geleistete Erstattungen zu dieser Zahlung sind unten aufgeführt.',
    refundsFailed: 'Erstattungsversuche zu dieser Zahlung, von denen keiner ausgeführt wurde, sind unten aufgeführt.',
    whatAndWhen: 'Die folgenden Unterlagen zeigen, wofür die Zahlung geleistet wurde und wann.',
    when: 'Der folgende Zahlungsbeleg zeigt, wann die Zahlung geleistet wurde.',
    accountWithEmail: 'Der Kauf wurde mit dem unten aufgeführten Konto und der E-Mail-Adresse getätigt.',
    account: 'Das Konto, mit dem gekauft wurde, ist unten aufgeführt.',
    delivered: 'Was dem Kunden geliefert wurde, ist unten aufgeführt.',
    activitySummarised: (after) =>
      `Die Kontoaktivität des Kunden ${after ? 'nach' : 'vor'} der Zahlung ist unten zusammengefasst.`,
    activityListed: 'Die Kontoaktivität des Kunden ist unten aufgeführt.',
    activityBeforeAndAfter: 'Die Kontoaktivität des Kunden vor und nach der Zahlung ist unten aufgeführt.',
    activityAfter: (logins) =>
      logins
        ? 'Die Anmeldungen und die Nutzung des Kunden nach der Zahlung sind unten aufgeführt.'
        : 'Die Nutzung des Produkts durch den Kunden nach der Zahlung ist unten aufgeführt.',
    productDescribed: 'Was das Produkt ist, wie wir es beschreiben, ist unten dargelegt.',
    subscriptionRenewals: 'Der Verlauf des Abonnements und seine Verlängerungen sind unten aufgeführt.',
    subscriptionAndInvoice: 'Das Abonnement und seine Rechnung sind unten aufgeführt.',
    subscription: 'Das Abonnement ist unten aufgeführt.',
    usedAfterSummarised: 'Der Kunde hat das Produkt nach dieser Zahlung genutzt, wie unten zusammengefasst.',
    usedAfterListed: 'Der Kunde hat das Produkt nach dieser Zahlung genutzt, wie unten aufgeführt.',
    policiesQuoted: (policies) => `Wir zitieren unten ${policies}.`,
    eachPayment: 'Jede Zahlung ist unten aufgeführt.',
  },
};

const es: RebuttalMessages = {
  header: ({ business, contests, disputeId, chargeId, amount }) =>
    `${business} ${contests ? 'impugna' : 'responde a'} la disputa ${disputeId} sobre el cargo ${chargeId} por ${amount}.`,
  claims: {
    fraudulent: 'El titular de la tarjeta afirma que no autorizó este pago.',
    unrecognized: 'El titular de la tarjeta afirma que no reconoce este pago.',
    product_not_received: 'El titular de la tarjeta afirma que no recibió lo que pagó.',
    product_unacceptable:
      'El titular de la tarjeta afirma que el producto era defectuoso o no correspondía a su descripción.',
    subscription_canceled: 'El titular de la tarjeta afirma que canceló la suscripción antes de este pago.',
    credit_not_processed: 'El titular de la tarjeta afirma que no se tramitó un reembolso o crédito que se le debía.',
    duplicate: 'El titular de la tarjeta afirma que se le cobró más de una vez por la misma compra.',
    general: 'El titular de la tarjeta impugna este pago.',
    debit_not_authorized: 'El titular de la cuenta afirma que no autorizó este adeudo en su cuenta bancaria.',
    customer_initiated: 'El cliente pidió a su banco que devolviera este pago.',
    bank_cannot_process: 'El banco del cliente no pudo procesar este pago.',
    check_returned: 'El cheque con el que se hizo este pago fue devuelto sin pagar.',
    incorrect_account_details:
      'El banco devolvió este pago porque los datos de la cuenta facilitados eran incorrectos.',
    insufficient_funds: 'El banco del cliente devolvió este pago porque la cuenta no tenía fondos suficientes.',
    noncompliant:
      'El emisor afirma que este pago no cumplió las normas de la red de tarjetas (disputa de cumplimiento).',
    fallback: 'El titular de la tarjeta impugna este pago.',
  },
  concessions: {
    noncompliant: (business) => `${business} no impugna esta disputa de cumplimiento.`,
    payAnotherWay: (business) =>
      `${business} no discute que este pago no pudo cobrarse; estos registros muestran la compra a la que correspondía.`,
  },
  closing: (business) => `Con base en estos registros, ${business} solicita que esta disputa se resuelva a su favor.`,
  customer: (who) => `Cliente: ${who}.`,
  customerWrote: 'El cliente nos escribió.',
  activityHeadings: {
    complete:
      'Actividad de la cuenta (cada evento figura en el registro de actividad de la documentación del servicio):',
    partial:
      'Actividad de la cuenta (el registro de actividad de la documentación del servicio muestra los primeros y ' +
      'últimos eventos y los cercanos al pago):',
    absent: 'Actividad de la cuenta:',
  },
  stripeRecords: 'Registros de Stripe sobre el pago:',
  timeline: 'Cronología:',
  otherRecords: 'Otros registros:',
  dateAt: (date, time) => `${date} a las ${time} UTC`,
  dated: (date, text) => `${date}: ${text}`,
  ownTimeWords: ['el', 'del'],
  ownDayAfter: ['iniciada', 'pagada', 'abierta'],
  and: 'y',
  policyName: (policy) =>
    ({
      refund: 'nuestra política de reembolsos',
      cancellation: 'nuestra política de cancelación',
      terms: 'nuestras condiciones generales',
    })[policy] ?? `nuestra política «${policy}»`,
  opening: {
    heading: 'Las pruebas más sólidas:',
    line: (text, where) => `- ${text}${where ? ` (${where})` : ''}.`,
    pages: (file, from, to) => `${file.toLowerCase()}, ${from === to ? `página ${from}` : `páginas ${from}–${to}`}`,
    file: (file) => `archivo «${file}»`,
  },
  points: {
    checkNames: { cvc: 'CVC', street: 'dirección', postal: 'código postal', threeDSecure: '3-D Secure' },
    riskListed: 'La evaluación de riesgo del pago realizada por Stripe figura a continuación.',
    checksListed: (names, count) =>
      count === 1
        ? `La verificación de tarjeta registrada para el pago (${names}) figura a continuación.`
        : `Las verificaciones de tarjeta registradas para el pago (${names}) figuran a continuación.`,
    sameCardEarlier: 'La misma tarjeta se utilizó en pagos anteriores a nosotros que no fueron impugnados.',
    earlierPayments: 'Los pagos anteriores de este cliente figuran a continuación.',
    useSummarised: (after) =>
      `El uso del producto por parte del cliente${after ? ' después del pago' : ''} se resume a continuación.`,
    useListed: ({ times, ips }) => {
      const details = [times ? 'horas' : '', ips ? 'direcciones IP' : ''].filter(Boolean);
      const withDetails = details.length > 0 ? `, con ${details.join(' y ')},` : '';
      return `El uso del producto por parte del cliente${withDetails} figura a continuación${times ? ' en orden cronológico' : ''}.`;
    },
    acceptanceRecorded: 'La aceptación de nuestras políticas por parte del cliente consta a continuación.',
    acceptedAtCheckout: (policies) => `El cliente aceptó ${policies} al pagar, según consta a continuación.`,
    correspondence: 'La correspondencia con el cliente figura a continuación.',
    refundsIssued: 'Los reembolsos ya emitidos sobre este pago figuran a continuación.',
    refundsFailed:
      'Los intentos de reembolso sobre este pago, ninguno de los cuales se completó, figuran a continuación.',
    whatAndWhen: 'Los registros siguientes muestran qué se pagó y cuándo se realizó el pago.',
    when: 'El registro de pago siguiente muestra cuándo se realizó.',
    accountWithEmail: 'La compra se realizó con la cuenta y el correo electrónico que figuran a continuación.',
    account: 'La cuenta con la que se realizó la compra figura a continuación.',
    delivered: 'Lo que se entregó al cliente figura a continuación.',
    activitySummarised: (after) =>
      `La actividad de la cuenta del cliente ${after ? 'después' : 'antes'} del pago se resume a continuación.`,
    activityListed: 'La actividad de la cuenta del cliente figura a continuación.',
    activityBeforeAndAfter: 'La actividad de la cuenta del cliente, antes y después del pago, figura a continuación.',
    activityAfter: (logins) =>
      logins
        ? 'Los inicios de sesión y el uso del cliente después del pago figuran a continuación.'
        : 'El uso del producto por parte del cliente después del pago figura a continuación.',
    productDescribed: 'Qué es el producto, tal como lo describimos, se expone a continuación.',
    subscriptionRenewals: 'El historial de la suscripción y sus renovaciones figuran a continuación.',
    subscriptionAndInvoice: 'La suscripción y su factura figuran a continuación.',
    subscription: 'La suscripción figura a continuación.',
    usedAfterSummarised: 'El cliente usó el producto después de este pago, como se resume a continuación.',
    usedAfterListed: 'El cliente usó el producto después de este pago, como figura a continuación.',
    policiesQuoted: (policies) => `A continuación citamos ${policies}.`,
    eachPayment: 'Cada pago figura a continuación.',
  },
};

export const REBUTTAL_MESSAGES: Record<Language, RebuttalMessages> = { en, fr, de, es };

/** `a, b and c` in the language. */
export function listIn(messages: RebuttalMessages, items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${messages.and} ${items.at(-1)}`;
}
