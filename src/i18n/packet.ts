import type { Language } from '../dispute/language.js';
import { DISPUTE_REASONS, type DisputeReason, reasonInPacket } from '../dispute/reasons.js';
import { STRONGEST_MESSAGES } from './strongest.js';

/**
 * The evidence files' own words (headings, labels, columns, notes) in each language the bank may read
 * (docs/architecture.md → "The reader's language"). One object per language with the same keys: a new label is added
 * to all four or `tsc` fails. Values (names, ids, IPs, times) come in as arguments; the facts' sentences are the
 * evidence's and are not here. Times stay `2026-03-04 14:03 UTC` in every language: a form no reader misreads.
 */
export interface PacketMessages {
  /** The locale numbers and money are written in (dispute/language.ts LOCALES). */
  locale: string;
  titles: {
    serviceDocumentation: string;
    receipt: string;
    refundReceipt: string;
    communications: string;
    refundPolicy: string;
    cancellationPolicy: string;
    termsOfService: string;
  };
  /** The PDF's title in its metadata. */
  documentTitle: (title: string, disputeId: string) => string;
  footer: (business: string, title: string, disputeId: string) => string;
  pageOf: (page: number, pages: number) => string;
  /** `19-page Mastercard limit`. */
  limitName: (pages: number, mastercard: boolean) => string;
  timeUnknown: string;
  cardUnknown: string;
  /** What Stripe's reason codes mean, for the cover page; an unknown reason is shown as Stripe writes it. */
  reasons: Record<DisputeReason, string>;
  /** Page 1 of the service documentation (evidence/packet/cover.ts); its points are i18n/strongest.ts's. */
  cover: {
    title: (disputeId: string) => string;
    submittedBy: (business: string, contact: readonly string[]) => string;
    dispute: string;
    /** The reason, the amount, the card and the day the dispute opened, in one line. */
    disputeLine: (reason: string, amount: string, card: string, opened: string) => string;
    card: (brand: string, last4: string | null) => string;
    answer: string;
    points: string;
    /** The points' heading when they are Stripe's records alone. */
    stripePoints: string;
    delivered: string;
    sold: string;
    deliveredLine: (count: number, shown: { title: string; at: string | null } | null) => string;
    contents: string;
    notShown: string;
    moreOmissions: (count: number) => string;
    /** Where a point's proof is in this file: `p. 3`, `pp. 5–6`. */
    page: (from: number, to: number) => string;
    located: (text: string, where: string) => string;
    /** Where a point's proof is in another file: `Receipt file`. */
    file: (title: string) => string;
    /** A day as the points write it (i18n/strongest.ts). */
    day: (at: string) => string;
  };
  contents: {
    pages: (first: number, count: number) => string;
    timeline: (events: number, pages: string) => string;
    activity: (events: number, pages: string) => string;
    images: (images: number, pages: string) => string;
    separateFile: (title: string, pages: number) => string;
  };
  notShown: {
    deliverables: (count: number, why: string) => string;
    unreadable: string;
    withinLimit: (limit: string) => string;
    withinFileSize: string;
    withoutImage: (count: number) => string;
    activity: (left: number, total: number) => string;
    timeline: (left: number, total: number) => string;
  };
  timeline: {
    title: string;
    intro: string;
    stripeIntro: string;
    columns: { when: string; what: string; source: string };
    sources: { stripe: string; business: string };
    deliverablesRun: (count: number, from: string, to: string, first: string, last: string) => string;
  };
  /** Under a trimmed table: how many rows the gaps hold. */
  furtherEvents: (count: number) => string;
  gap: (count: number, from: string, to: string | null) => string;
  activity: {
    title: string;
    intro: string;
    columns: { time: string; event: string; ip: string; detail: string };
    unknownDay: string;
    unknownTime: string;
    events: (total: number, shown: number) => string;
    ip: (value: string) => string;
    device: (value: string) => string;
    names: { ip: string; device: string; browser: string };
    sameAsAbove: (names: string[]) => string;
    allFrom: (what: string, one: boolean) => string;
    fromWhereRecorded: (what: string) => string;
  };
  images: {
    title: string;
    intro: (deliverables: number, withImages: number, shown: number) => string;
    caption: (index: number, total: number, name: string, when: string | null) => string;
    untitled: string;
  };
  policies: {
    accepted: string;
    shownToCustomer: (where: string) => string;
    restNotShown: (chars: number) => string;
  };
  communications: {
    title: (business: string) => string;
    furtherNotShown: (count: number) => string;
    fromCustomer: string;
    toCustomer: string;
    message: string;
    by: (channel: string) => string;
  };
  refundReceipt: {
    title: (business: string) => string;
    duplicate: (business: string, amount: string | null, when: string | null, opened: string) => string;
    refunded: (
      business: string,
      refund: { full: boolean; total: string; payment: string },
      when: string | null,
      opened: string,
    ) => string;
    oneOf: (index: number, count: number) => string;
    theRefund: string;
    refund: string;
    amount: string;
    date: string;
    status: string;
    refundedTo: string;
    receiptNumber: string;
    reason: string;
    reasons: Record<string, string>;
    references: Record<string, string>;
    reference: string;
    backTo: (method: string) => string;
    thePayment: string;
    fromStripe: (disputeId: string) => string;
  };
  receipt: {
    title: (business: string) => string;
    website: string;
    support: string;
    receiptNumber: string;
    invoiceNumber: string;
    charge: string;
    date: string;
    billedTo: string;
    name: string;
    email: string;
    whatWasBought: string;
    columns: { item: string; period: string; quantity: string; amount: string };
    furtherItems: (count: number) => string;
    item: string;
    period: string;
    periodRange: (start: string, end: string) => string;
    tax: string;
    amountPaid: string;
    refunded: string;
    payment: string;
    paidWith: string;
    onStatement: string;
    fromStripe: (disputeId: string) => string;
    invoiceLine: string;
    ending: (last4: string) => string;
    cardName: string;
  };
}

const n = (locale: string) => (value: number) => value.toLocaleString(locale);
const enN = n('en-US');
const frN = n('fr-FR');
const deN = n('de-DE');
const esN = n('es-ES');
/** English plural: `1 event`, `3 events`, `1,500 events`. */
const en_ = (count: number, one: string, many = `${one}s`) => `${enN(count)} ${count === 1 ? one : many}`;

const en: PacketMessages = {
  locale: 'en-US',
  titles: {
    serviceDocumentation: 'Service documentation',
    receipt: 'Receipt',
    refundReceipt: 'Refund receipt',
    communications: 'Communication with the customer',
    refundPolicy: 'Refund policy',
    cancellationPolicy: 'Cancellation policy',
    termsOfService: 'Terms of service',
  },
  documentTitle: (title, id) => `${title} — dispute ${id}`,
  footer: (business, title, id) => `${business} · ${title} · dispute ${id}`,
  pageOf: (page, pages) => `page ${page} of ${pages}`,
  limitName: (pages, mastercard) => `${pages}-page ${mastercard ? 'Mastercard limit' : 'limit'}`,
  timeUnknown: 'time unknown',
  cardUnknown: 'not a card, or brand unknown',
  reasons: Object.fromEntries(DISPUTE_REASONS.map((reason) => [reason, reasonInPacket(reason)])) as Record<
    DisputeReason,
    string
  >,
  cover: {
    title: (id) => `Evidence for dispute ${id}`,
    submittedBy: (business, contact) =>
      `Submitted by ${business}${contact.length > 0 ? ` (${contact.join(', ')})` : ''} to the card issuer.`,
    dispute: 'The dispute',
    disputeLine: (reason, amount, card, opened) => `${reason} · ${amount} · ${card} · opened ${opened}`,
    card: (brand, last4) => (last4 ? `${brand} ending ${last4}` : brand),
    answer: 'Our answer',
    points: 'The strongest evidence',
    stripePoints: 'What Stripe’s records show',
    delivered: 'What was delivered',
    sold: 'What was sold',
    deliveredLine: (count, shown) =>
      `${en_(count, 'item')} delivered to the customer.${shown ? ` Shown here: “${shown.title}”${shown.at ? `, delivered ${STRONGEST_MESSAGES.en.day(shown.at)}` : ''}.` : ''}`,
    contents: 'In this packet',
    notShown: 'Not shown',
    moreOmissions: (count) => `${en_(count, 'further omission')} (listed with the case).`,
    // No-break spaces: "p." never ends a line without its number.
    page: (from, to) => (from === to ? `p.\u00a0${from}` : `pp.\u00a0${from}–${to}`),
    located: (text, where) => `${text}\u00a0— ${where}`,
    file: (title) => `${title} file`,
    day: STRONGEST_MESSAGES.en.day,
  },
  contents: {
    pages: (first, count) => (count === 1 ? `page ${first}` : `pages ${first}–${first + count - 1}`),
    timeline: (events, pages) => `Timeline of ${en_(events, 'event')} (${pages}).`,
    activity: (events, pages) => `Activity log of ${en_(events, 'event')} with IP addresses (${pages}).`,
    images: (images, pages) => `${en_(images, 'image')} of what the customer received (${pages}).`,
    separateFile: (title, pages) => `Separate file: ${title}, ${en_(pages, 'page')}.`,
  },
  notShown: {
    deliverables: (count, why) =>
      `${en_(count, 'further deliverable')} ${count === 1 ? 'was' : 'were'} produced and ${count === 1 ? 'is' : 'are'} not shown (${why}).`,
    unreadable: 'their images could not be read',
    withinLimit: (limit) => `to stay within the ${limit}`,
    withinFileSize: 'to stay within the 4.5 MB file limit',
    withoutImage: (count) =>
      `${en_(count, 'deliverable')} had no image to show; ${count === 1 ? 'it is' : 'they are'} listed in the timeline.`,
    activity: (left, total) =>
      `${en_(left, 'activity event')} of ${enN(total)} ${left === 1 ? 'is' : 'are'} not shown; the log keeps the earliest, the latest and those around the payment.`,
    timeline: (left, total) =>
      `${en_(left, 'timeline event')} of ${enN(total)} ${left === 1 ? 'is' : 'are'} not shown.`,
  },
  timeline: {
    title: 'Timeline',
    intro: 'Everything on record about this customer and payment, oldest first.',
    stripeIntro: 'Stripe’s records of this payment and customer, oldest first.',
    columns: { when: 'When', what: 'What happened', source: 'Source' },
    sources: { stripe: 'Stripe', business: 'Business' },
    deliverablesRun: (count, from, to, first, last) =>
      `${count} deliverables delivered from ${from} to ${to}, the first: ${first} The last: ${last}`,
  },
  furtherEvents: (count) => `${en_(count, 'further event')} are not shown; the gaps are marked.`,
  gap: (count, from, to) =>
    `… ${en_(count, 'event')} ${to === null ? `at ${from}` : `from ${from} to ${to}`} not shown …`,
  activity: {
    title: 'Activity log',
    intro:
      'Sign-ins and use of the product from the business’s own records, by day. A day’s heading gives the IP address, ' +
      'device and browser its events share, once; a row shows them only where they differ. Times are UTC.',
    columns: { time: 'Time (UTC)', event: 'Event', ip: 'IP address', detail: 'Detail' },
    unknownDay: 'time unknown',
    unknownTime: 'unknown',
    events: (total, shown) => (shown < total ? `${en_(total, 'event')} (${shown} shown)` : en_(total, 'event')),
    ip: (value) => `IP ${value}`,
    device: (value) => `device ${value}`,
    names: { ip: 'IP', device: 'device', browser: 'browser' },
    sameAsAbove: (names) =>
      `the same ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '')} as above`,
    allFrom: (what, one) => `${one ? '' : 'all '}from ${what}`,
    fromWhereRecorded: (what) => `from ${what} where recorded, unless a row shows its own`,
  },
  images: {
    title: 'What the customer received',
    intro: (deliverables, withImages, shown) => {
      const produced = `${en_(deliverables, 'deliverable')} ${deliverables === 1 ? 'was' : 'were'} produced for this customer.`;
      if (shown === withImages) return `${produced} Each image below is one of them, oldest first.`;
      return `${produced} ${shown} of the ${withImages} with images are shown: the first, the last and others spread evenly between.`;
    },
    caption: (index, total, name, when) =>
      `Deliverable ${index} of ${total}: ${name} — delivered ${when ?? 'at an unknown time'}`,
    untitled: 'Untitled',
  },
  policies: {
    accepted: 'The customer accepted it',
    shownToCustomer: (where) => `Shown to the customer: ${where}`,
    restNotShown: (chars) => `The rest of this policy (${en_(chars, 'character')}) is not shown.`,
  },
  communications: {
    title: (business) => `Communication with the customer — ${business}`,
    furtherNotShown: (count) => `${en_(count, 'further message')} not shown here.`,
    fromCustomer: 'From the customer',
    toCustomer: 'To the customer',
    message: 'Message',
    by: (channel) => ` by ${channel}`,
  },
  refundReceipt: {
    title: (business) => `Refund receipt — ${business}`,
    duplicate: (business, amount, when, opened) =>
      `This payment was a duplicate charge. ${business} refunded ${amount ?? 'it in full'} as a duplicate${when ? ` on ${when}` : ''}, before the dispute was opened on ${opened}.`,
    refunded: (business, refund, when, opened) =>
      `${business} refunded ${refund.full ? `the payment in full (${refund.total})` : `${refund.total} of the ${refund.payment} payment`}${when ? ` on ${when}` : ''}, before the dispute was opened on ${opened}.`,
    oneOf: (index, count) => `Refund ${index} of ${count}`,
    theRefund: 'The refund',
    refund: 'Refund',
    amount: 'Amount',
    date: 'Date',
    status: 'Status',
    refundedTo: 'Refunded to',
    receiptNumber: 'Refund receipt no.',
    reason: 'Reason',
    reasons: {
      duplicate: 'Duplicate charge',
      fraudulent: 'Fraudulent',
      requested_by_customer: 'Requested by the customer',
      expired_uncaptured_charge: 'Uncaptured charge expired',
    },
    references: {
      acquirer_reference_number: 'Acquirer reference number (ARN)',
      system_trace_audit_number: 'System trace audit number',
    },
    reference: 'Reference',
    backTo: (method) => `Back to the ${method} that paid`,
    thePayment: 'The payment refunded',
    fromStripe: (id) => `From Stripe's records of the refunds on the payment disputed in ${id}.`,
  },
  receipt: {
    title: (business) => `Receipt — ${business}`,
    website: 'Website',
    support: 'Support',
    receiptNumber: 'Receipt number',
    invoiceNumber: 'Invoice number',
    charge: 'Charge',
    date: 'Date',
    billedTo: 'Billed to',
    name: 'Name',
    email: 'Email',
    whatWasBought: 'What was bought',
    columns: { item: 'Item', period: 'Period', quantity: 'Qty', amount: 'Amount' },
    furtherItems: (count) => `… and ${count} further ${count === 1 ? 'item' : 'items'} on the invoice`,
    item: 'Item',
    period: 'Period',
    periodRange: (start, end) => `${start} to ${end}`,
    tax: 'Tax',
    amountPaid: 'Amount paid',
    refunded: 'Refunded',
    payment: 'Payment',
    paidWith: 'Paid with',
    onStatement: 'On the statement',
    fromStripe: (id) => `From Stripe's records of the payment disputed in ${id}.`,
    invoiceLine: 'Invoice line',
    ending: (last4) => ` ending ${last4}`,
    cardName: 'Card',
  },
};

const frPlural = (count: number, one: string, many = `${one}s`) => `${frN(count)} ${count > 1 ? many : one}`;

const fr: PacketMessages = {
  locale: 'fr-FR',
  titles: {
    serviceDocumentation: 'Documentation du service',
    receipt: 'Reçu',
    refundReceipt: 'Reçu de remboursement',
    communications: 'Échanges avec le client',
    refundPolicy: 'Politique de remboursement',
    cancellationPolicy: "Politique d'annulation",
    termsOfService: 'Conditions générales',
  },
  documentTitle: (title, id) => `${title} — litige ${id}`,
  footer: (business, title, id) => `${business} · ${title} · litige ${id}`,
  pageOf: (page, pages) => `page ${page} sur ${pages}`,
  limitName: (pages, mastercard) => `limite de ${pages} pages${mastercard ? ' de Mastercard' : ''}`,
  timeUnknown: 'heure inconnue',
  cardUnknown: 'pas une carte, ou réseau inconnu',
  reasons: {
    bank_cannot_process: 'La banque ne peut pas traiter le paiement',
    check_returned: 'Chèque rejeté',
    credit_not_processed: 'Remboursement non traité',
    customer_initiated: "À l'initiative du client",
    debit_not_authorized: 'Prélèvement non autorisé',
    duplicate: 'Paiement en double',
    fraudulent: 'Fraude (le titulaire déclare ne pas avoir autorisé le paiement)',
    general: 'Général',
    incorrect_account_details: 'Coordonnées bancaires incorrectes',
    insufficient_funds: 'Provision insuffisante',
    noncompliant: 'Non conforme aux règles du réseau',
    product_not_received: 'Produit non reçu',
    product_unacceptable: 'Produit non conforme',
    subscription_canceled: 'Abonnement résilié',
    unrecognized: 'Paiement non reconnu',
  },
  cover: {
    title: (id) => `Justificatifs pour le litige ${id}`,
    submittedBy: (business, contact) =>
      `Présentés par ${business}${contact.length > 0 ? ` (${contact.join(', ')})` : ''} à l'émetteur de la carte.`,
    dispute: 'Le litige',
    disputeLine: (reason, amount, card, opened) => `${reason} · ${amount} · ${card} · ouvert le ${opened}`,
    card: (brand, last4) => (last4 ? `${brand} se terminant par ${last4}` : brand),
    answer: 'Notre réponse',
    points: 'Les éléments les plus probants',
    stripePoints: 'Ce que montrent les données de Stripe',
    delivered: 'Ce qui a été livré',
    sold: 'Ce qui a été vendu',
    deliveredLine: (count, shown) =>
      `${count > 1 ? `${frN(count)} éléments livrés` : '1 élément livré'} au client.${shown ? ` Présenté ici : «\u00a0${shown.title}\u00a0»${shown.at ? `, livré le ${STRONGEST_MESSAGES.fr.day(shown.at)}` : ''}.` : ''}`,
    contents: 'Contenu du dossier',
    notShown: 'Non présenté',
    moreOmissions: (count) => `${frPlural(count, 'autre omission')} (indiquées avec le dossier).`,
    page: (from, to) => (from === to ? `p.\u00a0${from}` : `p.\u00a0${from}–${to}`),
    located: (text, where) => `${text}\u00a0— ${where}`,
    file: (title) => `fichier «\u00a0${title}\u00a0»`,
    day: STRONGEST_MESSAGES.fr.day,
  },
  contents: {
    pages: (first, count) => (count === 1 ? `page ${first}` : `pages ${first} à ${first + count - 1}`),
    timeline: (events, pages) => `Chronologie de ${frPlural(events, 'événement')} (${pages}).`,
    activity: (events, pages) => `Journal d'activité de ${frPlural(events, 'événement')} avec adresses IP (${pages}).`,
    images: (images, pages) => `${frPlural(images, 'image')} de ce que le client a reçu (${pages}).`,
    separateFile: (title, pages) => `Fichier séparé : ${title}, ${frPlural(pages, 'page')}.`,
  },
  notShown: {
    deliverables: (count, why) =>
      count === 1
        ? `1 autre livrable a été produit et n'est pas présenté (${why}).`
        : `${frN(count)} autres livrables ont été produits et ne sont pas présentés (${why}).`,
    unreadable: 'leurs images étaient illisibles',
    withinLimit: (limit) => `pour respecter la ${limit}`,
    withinFileSize: 'pour respecter la limite de 4,5 Mo par fichier',
    withoutImage: (count) =>
      count === 1
        ? "1 livrable n'avait pas d'image à montrer ; il figure dans la chronologie."
        : `${frN(count)} livrables n'avaient pas d'image à montrer ; ils figurent dans la chronologie.`,
    activity: (left, total) =>
      `${frPlural(left, "événement d'activité", "événements d'activité")} sur ${frN(total)} ${left === 1 ? "n'est pas présenté" : 'ne sont pas présentés'} ; le journal conserve les premiers, les derniers et ceux qui entourent le paiement.`,
    timeline: (left, total) =>
      `${frPlural(left, 'événement de la chronologie', 'événements de la chronologie')} sur ${frN(total)} ${left === 1 ? "n'est pas présenté" : 'ne sont pas présentés'}.`,
  },
  timeline: {
    title: 'Chronologie',
    intro: 'Tout ce qui est enregistré au sujet de ce client et de ce paiement, du plus ancien au plus récent.',
    stripeIntro: 'Les données de Stripe sur ce paiement et ce client, de la plus ancienne à la plus récente.',
    columns: { when: 'Date', what: "Ce qui s'est passé", source: 'Source' },
    sources: { stripe: 'Stripe', business: 'Entreprise' },
    deliverablesRun: (count, from, to, first, last) =>
      `${count} livrables fournis du ${from} au ${to} ; le premier : ${first} Le dernier : ${last}`,
  },
  furtherEvents: (count) =>
    count === 1
      ? "1 autre événement n'est pas présenté ; les intervalles sont signalés."
      : `${frN(count)} autres événements ne sont pas présentés ; les intervalles sont signalés.`,
  gap: (count, from, to) =>
    `… ${frPlural(count, 'événement')} ${to === null ? `à ${from}` : `du ${from} au ${to}`} non ${count === 1 ? 'présenté' : 'présentés'} …`,
  activity: {
    title: "Journal d'activité",
    intro:
      "Connexions et utilisation du produit d'après les données de l'entreprise, par jour. L'en-tête d'un jour indique " +
      "une fois l'adresse IP, l'appareil et le navigateur communs à ses événements ; une ligne ne les montre que " +
      "lorsqu'ils diffèrent. Heures en UTC.",
    columns: { time: 'Heure (UTC)', event: 'Événement', ip: 'Adresse IP', detail: 'Détail' },
    unknownDay: 'date inconnue',
    unknownTime: 'inconnue',
    events: (total, shown) =>
      shown < total ? `${frPlural(total, 'événement')} (${shown} présentés)` : frPlural(total, 'événement'),
    ip: (value) => `IP ${value}`,
    device: (value) => `appareil ${value}`,
    names: { ip: 'IP', device: 'appareil', browser: 'navigateur' },
    sameAsAbove: (names) =>
      `${names.length > 1 ? `les mêmes ${names.slice(0, -1).join(', ')} et ${names.at(-1)}` : `le même ${names[0] ?? ''}`} que ci-dessus`,
    allFrom: (what, one) => `${one ? 'depuis' : 'tous depuis'} ${what}`,
    fromWhereRecorded: (what) => `depuis ${what} lorsque c'est enregistré, sauf si une ligne indique les siens`,
  },
  images: {
    title: 'Ce que le client a reçu',
    intro: (deliverables, withImages, shown) => {
      const produced =
        deliverables === 1
          ? '1 livrable a été produit pour ce client.'
          : `${frN(deliverables)} livrables ont été produits pour ce client.`;
      if (shown === withImages) return `${produced} Chaque image ci-dessous en est un, du plus ancien au plus récent.`;
      return `${produced} ${shown} des ${withImages} livrables avec image sont présentés : le premier, le dernier et d'autres répartis régulièrement entre les deux.`;
    },
    caption: (index, total, name, when) =>
      `Livrable ${index} sur ${total} : ${name} — fourni ${when ? `le ${when}` : 'à une date inconnue'}`,
    untitled: 'Sans titre',
  },
  policies: {
    accepted: "Le client l'a acceptée",
    shownToCustomer: (where) => `Présentée au client : ${where}`,
    restNotShown: (chars) => `La suite de cette politique (${frPlural(chars, 'caractère')}) n'est pas présentée.`,
  },
  communications: {
    title: (business) => `Échanges avec le client — ${business}`,
    furtherNotShown: (count) =>
      count === 1
        ? "1 autre message n'est pas présenté ici."
        : `${frN(count)} autres messages ne sont pas présentés ici.`,
    fromCustomer: 'Du client',
    toCustomer: 'Au client',
    message: 'Message',
    by: (channel) => ` par ${channel}`,
  },
  refundReceipt: {
    title: (business) => `Reçu de remboursement — ${business}`,
    duplicate: (business, amount, when, opened) =>
      `Ce paiement était un paiement en double. ${business} l'a remboursé ${amount ? `à hauteur de ${amount}` : 'intégralement'} en tant que doublon${when ? ` le ${when}` : ''}, avant l'ouverture du litige le ${opened}.`,
    refunded: (business, refund, when, opened) =>
      `${business} a remboursé ${refund.full ? `l'intégralité du paiement (${refund.total})` : `${refund.total} sur le paiement de ${refund.payment}`}${when ? ` le ${when}` : ''}, avant l'ouverture du litige le ${opened}.`,
    oneOf: (index, count) => `Remboursement ${index} sur ${count}`,
    theRefund: 'Le remboursement',
    refund: 'Remboursement',
    amount: 'Montant',
    date: 'Date',
    status: 'Statut',
    refundedTo: 'Remboursé sur',
    receiptNumber: 'N° du reçu de remboursement',
    reason: 'Motif',
    reasons: {
      duplicate: 'Paiement en double',
      fraudulent: 'Fraude',
      requested_by_customer: 'À la demande du client',
      expired_uncaptured_charge: 'Paiement non capturé expiré',
    },
    references: {
      acquirer_reference_number: "Numéro de référence de l'acquéreur (ARN)",
      system_trace_audit_number: "Numéro d'audit système (STAN)",
    },
    reference: 'Référence',
    backTo: (method) => `Retour sur le moyen de paiement utilisé : ${method}`,
    thePayment: 'Le paiement remboursé',
    fromStripe: (id) =>
      `D'après les données de Stripe sur les remboursements du paiement contesté dans le litige ${id}.`,
  },
  receipt: {
    title: (business) => `Reçu — ${business}`,
    website: 'Site web',
    support: 'Assistance',
    receiptNumber: 'Numéro de reçu',
    invoiceNumber: 'Numéro de facture',
    charge: 'Paiement',
    date: 'Date',
    billedTo: 'Facturé à',
    name: 'Nom',
    email: 'E-mail',
    whatWasBought: 'Ce qui a été acheté',
    columns: { item: 'Article', period: 'Période', quantity: 'Qté', amount: 'Montant' },
    furtherItems: (count) => `… et ${frPlural(count, 'autre article', 'autres articles')} sur la facture`,
    item: 'Article',
    period: 'Période',
    periodRange: (start, end) => `du ${start} au ${end}`,
    tax: 'Taxes',
    amountPaid: 'Montant payé',
    refunded: 'Remboursé',
    payment: 'Paiement',
    paidWith: 'Payé avec',
    onStatement: 'Sur le relevé',
    fromStripe: (id) => `D'après les données de Stripe sur le paiement contesté dans le litige ${id}.`,
    invoiceLine: 'Ligne de facture',
    ending: (last4) => ` se terminant par ${last4}`,
    cardName: 'Carte',
  },
};

const dePlural = (count: number, one: string, many: string) => `${deN(count)} ${count === 1 ? one : many}`;

const de: PacketMessages = {
  locale: 'de-DE',
  titles: {
    serviceDocumentation: 'Leistungsdokumentation',
    receipt: 'Beleg',
    refundReceipt: 'Erstattungsbeleg',
    communications: 'Korrespondenz mit dem Kunden',
    refundPolicy: 'Erstattungsrichtlinie',
    cancellationPolicy: 'Kündigungsbedingungen',
    termsOfService: 'Allgemeine Geschäftsbedingungen',
  },
  documentTitle: (title, id) => `${title} — Rückbuchung ${id}`,
  footer: (business, title, id) => `${business} · ${title} · Rückbuchung ${id}`,
  pageOf: (page, pages) => `Seite ${page} von ${pages}`,
  limitName: (pages, mastercard) => `Grenze von ${pages} Seiten${mastercard ? ' bei Mastercard' : ''}`,
  timeUnknown: 'Zeit unbekannt',
  cardUnknown: 'keine Karte oder Kartennetz unbekannt',
  reasons: {
    bank_cannot_process: 'Bank kann die Zahlung nicht verarbeiten',
    check_returned: 'Scheck nicht eingelöst',
    credit_not_processed: 'Gutschrift nicht bearbeitet',
    customer_initiated: 'Vom Kunden veranlasst',
    debit_not_authorized: 'Lastschrift nicht autorisiert',
    duplicate: 'Doppelte Belastung',
    fraudulent: 'Betrug (der Karteninhaber gibt an, die Zahlung nicht autorisiert zu haben)',
    general: 'Allgemein',
    incorrect_account_details: 'Falsche Kontodaten',
    insufficient_funds: 'Keine ausreichende Deckung',
    noncompliant: 'Verstoß gegen Netzwerkregeln',
    product_not_received: 'Produkt nicht erhalten',
    product_unacceptable: 'Produkt nicht wie beschrieben',
    subscription_canceled: 'Abonnement gekündigt',
    unrecognized: 'Zahlung nicht erkannt',
  },
  cover: {
    title: (id) => `Nachweise zur Rückbuchung ${id}`,
    submittedBy: (business, contact) =>
      `Eingereicht von ${business}${contact.length > 0 ? ` (${contact.join(', ')})` : ''} beim Kartenherausgeber.`,
    dispute: 'Die Rückbuchung',
    disputeLine: (reason, amount, card, opened) => `${reason} · ${amount} · ${card} · eröffnet am ${opened}`,
    card: (brand, last4) => (last4 ? `${brand} mit Endziffern ${last4}` : brand),
    answer: 'Unsere Antwort',
    points: 'Die stärksten Nachweise',
    stripePoints: 'Was die Daten von Stripe zeigen',
    delivered: 'Was geliefert wurde',
    sold: 'Was verkauft wurde',
    deliveredLine: (count, shown) =>
      `${dePlural(count, 'Element', 'Elemente')} an den Kunden geliefert.${shown ? ` Hier gezeigt: „${shown.title}“${shown.at ? `, geliefert am ${STRONGEST_MESSAGES.de.day(shown.at)}` : ''}.` : ''}`,
    contents: 'In diesen Unterlagen',
    notShown: 'Nicht enthalten',
    moreOmissions: (count) =>
      `${dePlural(count, 'weitere Auslassung', 'weitere Auslassungen')} (beim Fall aufgeführt).`,
    page: (from, to) => (from === to ? `S.\u00a0${from}` : `S.\u00a0${from}–${to}`),
    located: (text, where) => `${text}\u00a0— ${where}`,
    file: (title) => `Datei „${title}“`,
    day: STRONGEST_MESSAGES.de.day,
  },
  contents: {
    pages: (first, count) => (count === 1 ? `Seite ${first}` : `Seiten ${first}–${first + count - 1}`),
    timeline: (events, pages) => `Zeitlicher Ablauf mit ${dePlural(events, 'Ereignis', 'Ereignissen')} (${pages}).`,
    activity: (events, pages) =>
      `Aktivitätsprotokoll mit ${dePlural(events, 'Ereignis', 'Ereignissen')} und IP-Adressen (${pages}).`,
    images: (images, pages) => `${dePlural(images, 'Bild', 'Bilder')} dessen, was der Kunde erhalten hat (${pages}).`,
    separateFile: (title, pages) => `Eigene Datei: ${title}, ${dePlural(pages, 'Seite', 'Seiten')}.`,
  },
  notShown: {
    deliverables: (count, why) =>
      count === 1
        ? `1 weitere Leistung wurde erbracht und ist nicht abgebildet (${why}).`
        : `${deN(count)} weitere Leistungen wurden erbracht und sind nicht abgebildet (${why}).`,
    unreadable: 'ihre Bilder waren nicht lesbar',
    withinLimit: (limit) => `um die ${limit} einzuhalten`,
    withinFileSize: 'um die Dateigrenze von 4,5 MB einzuhalten',
    withoutImage: (count) =>
      count === 1
        ? '1 Leistung hatte kein Bild; sie steht im zeitlichen Ablauf.'
        : `${deN(count)} Leistungen hatten kein Bild; sie stehen im zeitlichen Ablauf.`,
    activity: (left, total) =>
      `${dePlural(left, 'Aktivitätsereignis', 'Aktivitätsereignisse')} von ${deN(total)} ${left === 1 ? 'ist' : 'sind'} nicht enthalten; das Protokoll behält die ersten, die letzten und die rund um die Zahlung.`,
    timeline: (left, total) =>
      `${dePlural(left, 'Ereignis', 'Ereignisse')} des zeitlichen Ablaufs von ${deN(total)} ${left === 1 ? 'ist' : 'sind'} nicht enthalten.`,
  },
  timeline: {
    title: 'Zeitlicher Ablauf',
    intro: 'Alle Aufzeichnungen zu diesem Kunden und dieser Zahlung, die ältesten zuerst.',
    stripeIntro: 'Die Aufzeichnungen von Stripe zu dieser Zahlung und diesem Kunden, die ältesten zuerst.',
    columns: { when: 'Wann', what: 'Was geschah', source: 'Quelle' },
    sources: { stripe: 'Stripe', business: 'Unternehmen' },
    deliverablesRun: (count, from, to, first, last) =>
      `${count} Leistungen erbracht von ${from} bis ${to}; die erste: ${first} Die letzte: ${last}`,
  },
  furtherEvents: (count) =>
    `${dePlural(count, 'weiteres Ereignis ist', 'weitere Ereignisse sind')} nicht abgebildet; die Lücken sind markiert.`,
  gap: (count, from, to) =>
    `… ${dePlural(count, 'Ereignis', 'Ereignisse')} ${to === null ? `um ${from}` : `von ${from} bis ${to}`} nicht abgebildet …`,
  activity: {
    title: 'Aktivitätsprotokoll',
    intro:
      'Anmeldungen und Nutzung des Produkts aus den eigenen Aufzeichnungen des Unternehmens, nach Tagen. Die Überschrift ' +
      'eines Tages nennt einmal die IP-Adresse, das Gerät und den Browser, die seine Ereignisse teilen; eine Zeile zeigt ' +
      'sie nur, wo sie abweichen. Zeiten in UTC.',
    columns: { time: 'Zeit (UTC)', event: 'Ereignis', ip: 'IP-Adresse', detail: 'Detail' },
    unknownDay: 'Zeit unbekannt',
    unknownTime: 'unbekannt',
    events: (total, shown) =>
      shown < total
        ? `${dePlural(total, 'Ereignis', 'Ereignisse')} (${shown} abgebildet)`
        : dePlural(total, 'Ereignis', 'Ereignisse'),
    ip: (value) => `IP ${value}`,
    device: (value) => `Gerät ${value}`,
    names: { ip: 'IP', device: 'Gerät', browser: 'Browser' },
    sameAsAbove: (names) =>
      names.length > 1
        ? `dieselben Werte (${names.join(', ')}) wie oben`
        : `derselbe Wert (${names[0] ?? ''}) wie oben`,
    allFrom: (what, one) => `${one ? 'von' : 'alle von'} ${what}`,
    fromWhereRecorded: (what) => `von ${what}, wo erfasst, sofern eine Zeile keine eigenen Werte zeigt`,
  },
  images: {
    title: 'Was der Kunde erhalten hat',
    intro: (deliverables, withImages, shown) => {
      const produced =
        deliverables === 1
          ? 'Für diesen Kunden wurde 1 Leistung erbracht.'
          : `Für diesen Kunden wurden ${deN(deliverables)} Leistungen erbracht.`;
      if (shown === withImages) return `${produced} Jedes Bild unten zeigt eine davon, die älteste zuerst.`;
      return `${produced} ${shown} der ${withImages} mit Bild sind abgebildet: die erste, die letzte und weitere gleichmäßig dazwischen.`;
    },
    caption: (index, total, name, when) =>
      `Leistung ${index} von ${total}: ${name} — erbracht ${when ? `am ${when}` : 'zu unbekannter Zeit'}`,
    untitled: 'Ohne Titel',
  },
  policies: {
    accepted: 'Der Kunde hat zugestimmt',
    shownToCustomer: (where) => `Dem Kunden angezeigt: ${where}`,
    restNotShown: (chars) =>
      `Der Rest dieser Richtlinie (${dePlural(chars, 'Zeichen', 'Zeichen')}) ist nicht abgebildet.`,
  },
  communications: {
    title: (business) => `Korrespondenz mit dem Kunden — ${business}`,
    furtherNotShown: (count) =>
      `${dePlural(count, 'weitere Nachricht ist', 'weitere Nachrichten sind')} hier nicht abgebildet.`,
    fromCustomer: 'Vom Kunden',
    toCustomer: 'An den Kunden',
    message: 'Nachricht',
    by: (channel) => ` per ${channel}`,
  },
  refundReceipt: {
    title: (business) => `Erstattungsbeleg — ${business}`,
    duplicate: (business, amount, when, opened) =>
      `Diese Zahlung war eine doppelte Belastung. ${business} hat ${amount ? `${amount} davon` : 'sie vollständig'} als Doppelbelastung erstattet${when ? `, am ${when}` : ''}, bevor die Rückbuchung am ${opened} eröffnet wurde.`,
    refunded: (business, refund, when, opened) =>
      `${business} hat ${refund.full ? `die Zahlung vollständig (${refund.total})` : `${refund.total} der Zahlung über ${refund.payment}`} erstattet${when ? `, am ${when}` : ''}, bevor die Rückbuchung am ${opened} eröffnet wurde.`,
    oneOf: (index, count) => `Erstattung ${index} von ${count}`,
    theRefund: 'Die Erstattung',
    refund: 'Erstattung',
    amount: 'Betrag',
    date: 'Datum',
    status: 'Status',
    refundedTo: 'Erstattet an',
    receiptNumber: 'Erstattungsbeleg-Nr.',
    reason: 'Grund',
    reasons: {
      duplicate: 'Doppelte Belastung',
      fraudulent: 'Betrug',
      requested_by_customer: 'Auf Wunsch des Kunden',
      expired_uncaptured_charge: 'Nicht erfasste Zahlung abgelaufen',
    },
    references: {
      acquirer_reference_number: 'Acquirer-Referenznummer (ARN)',
      system_trace_audit_number: 'System-Trace-Audit-Nummer (STAN)',
    },
    reference: 'Referenz',
    backTo: (method) => `Zurück an das bezahlende Zahlungsmittel: ${method}`,
    thePayment: 'Die erstattete Zahlung',
    fromStripe: (id) => `Aus den Aufzeichnungen von Stripe zu den Erstattungen der in ${id} beanstandeten Zahlung.`,
  },
  receipt: {
    title: (business) => `Beleg — ${business}`,
    website: 'Website',
    support: 'Support',
    receiptNumber: 'Belegnummer',
    invoiceNumber: 'Rechnungsnummer',
    charge: 'Zahlung',
    date: 'Datum',
    billedTo: 'Rechnungsempfänger',
    name: 'Name',
    email: 'E-Mail',
    whatWasBought: 'Was gekauft wurde',
    columns: { item: 'Artikel', period: 'Zeitraum', quantity: 'Menge', amount: 'Betrag' },
    furtherItems: (count) => `… und ${dePlural(count, 'weiterer Artikel', 'weitere Artikel')} auf der Rechnung`,
    item: 'Artikel',
    period: 'Zeitraum',
    periodRange: (start, end) => `${start} bis ${end}`,
    tax: 'Steuer',
    amountPaid: 'Bezahlter Betrag',
    refunded: 'Erstattet',
    payment: 'Zahlung',
    paidWith: 'Bezahlt mit',
    onStatement: 'Auf der Abrechnung',
    fromStripe: (id) => `Aus den Aufzeichnungen von Stripe zu der in ${id} beanstandeten Zahlung.`,
    invoiceLine: 'Rechnungsposten',
    ending: (last4) => ` mit Endziffern ${last4}`,
    cardName: 'Karte',
  },
};

const esPlural = (count: number, one: string, many = `${one}s`) => `${esN(count)} ${count === 1 ? one : many}`;

const es: PacketMessages = {
  locale: 'es-ES',
  titles: {
    serviceDocumentation: 'Documentación del servicio',
    receipt: 'Recibo',
    refundReceipt: 'Recibo de reembolso',
    communications: 'Comunicación con el cliente',
    refundPolicy: 'Política de reembolsos',
    cancellationPolicy: 'Política de cancelación',
    termsOfService: 'Condiciones generales',
  },
  documentTitle: (title, id) => `${title} — disputa ${id}`,
  footer: (business, title, id) => `${business} · ${title} · disputa ${id}`,
  pageOf: (page, pages) => `página ${page} de ${pages}`,
  limitName: (pages, mastercard) => `límite de ${pages} páginas${mastercard ? ' de Mastercard' : ''}`,
  timeUnknown: 'hora desconocida',
  cardUnknown: 'no es una tarjeta, o red desconocida',
  reasons: {
    bank_cannot_process: 'El banco no puede procesar el pago',
    check_returned: 'Cheque devuelto',
    credit_not_processed: 'Crédito no procesado',
    customer_initiated: 'Iniciada por el cliente',
    debit_not_authorized: 'Adeudo no autorizado',
    duplicate: 'Cargo duplicado',
    fraudulent: 'Fraude (el titular afirma que no autorizó el pago)',
    general: 'General',
    incorrect_account_details: 'Datos de la cuenta incorrectos',
    insufficient_funds: 'Fondos insuficientes',
    noncompliant: 'Incumplimiento de las normas de la red',
    product_not_received: 'Producto no recibido',
    product_unacceptable: 'Producto no conforme',
    subscription_canceled: 'Suscripción cancelada',
    unrecognized: 'Cargo no reconocido',
  },
  cover: {
    title: (id) => `Pruebas para la disputa ${id}`,
    submittedBy: (business, contact) =>
      `Presentadas por ${business}${contact.length > 0 ? ` (${contact.join(', ')})` : ''} al emisor de la tarjeta.`,
    dispute: 'La disputa',
    disputeLine: (reason, amount, card, opened) => `${reason} · ${amount} · ${card} · abierta el ${opened}`,
    card: (brand, last4) => (last4 ? `${brand} terminada en ${last4}` : brand),
    answer: 'Nuestra respuesta',
    points: 'Las pruebas más sólidas',
    stripePoints: 'Lo que muestran los registros de Stripe',
    delivered: 'Lo que se entregó',
    sold: 'Lo que se vendió',
    deliveredLine: (count, shown) =>
      `${count === 1 ? '1 elemento entregado' : `${esN(count)} elementos entregados`} al cliente.${shown ? ` Se muestra aquí: «${shown.title}»${shown.at ? `, entregado el ${STRONGEST_MESSAGES.es.day(shown.at)}` : ''}.` : ''}`,
    contents: 'En este expediente',
    notShown: 'No incluido',
    moreOmissions: (count) => `${esPlural(count, 'omisión más', 'omisiones más')} (indicadas con el caso).`,
    page: (from, to) => (from === to ? `pág.\u00a0${from}` : `págs.\u00a0${from}–${to}`),
    located: (text, where) => `${text}\u00a0— ${where}`,
    file: (title) => `archivo «${title}»`,
    day: STRONGEST_MESSAGES.es.day,
  },
  contents: {
    pages: (first, count) => (count === 1 ? `página ${first}` : `páginas ${first}–${first + count - 1}`),
    timeline: (events, pages) => `Cronología de ${esPlural(events, 'evento')} (${pages}).`,
    activity: (events, pages) =>
      `Registro de actividad de ${esPlural(events, 'evento')} con direcciones IP (${pages}).`,
    images: (images, pages) => `${esPlural(images, 'imagen', 'imágenes')} de lo que recibió el cliente (${pages}).`,
    separateFile: (title, pages) => `Archivo aparte: ${title}, ${esPlural(pages, 'página')}.`,
  },
  notShown: {
    deliverables: (count, why) =>
      count === 1
        ? `1 entregable más se produjo y no se muestra (${why}).`
        : `${esN(count)} entregables más se produjeron y no se muestran (${why}).`,
    unreadable: 'sus imágenes no se pudieron leer',
    withinLimit: (limit) => `para respetar el ${limit}`,
    withinFileSize: 'para respetar el límite de 4,5 MB por archivo',
    withoutImage: (count) =>
      count === 1
        ? '1 entregable no tenía imagen; figura en la cronología.'
        : `${esN(count)} entregables no tenían imagen; figuran en la cronología.`,
    activity: (left, total) =>
      `${esPlural(left, 'evento de actividad', 'eventos de actividad')} de ${esN(total)} no se ${left === 1 ? 'muestra' : 'muestran'}; el registro conserva los primeros, los últimos y los cercanos al pago.`,
    timeline: (left, total) =>
      `${esPlural(left, 'evento de la cronología', 'eventos de la cronología')} de ${esN(total)} no se ${left === 1 ? 'muestra' : 'muestran'}.`,
  },
  timeline: {
    title: 'Cronología',
    intro: 'Todo lo registrado sobre este cliente y este pago, del más antiguo al más reciente.',
    stripeIntro: 'Los registros de Stripe sobre este pago y este cliente, del más antiguo al más reciente.',
    columns: { when: 'Cuándo', what: 'Qué pasó', source: 'Fuente' },
    sources: { stripe: 'Stripe', business: 'Empresa' },
    deliverablesRun: (count, from, to, first, last) =>
      `${count} entregables entregados del ${from} al ${to}; el primero: ${first} El último: ${last}`,
  },
  furtherEvents: (count) =>
    `${esPlural(count, 'evento más', 'eventos más')} no se ${count === 1 ? 'muestra' : 'muestran'}; los huecos están señalados.`,
  gap: (count, from, to) =>
    `… ${esPlural(count, 'evento')} ${to === null ? `a las ${from}` : `del ${from} al ${to}`} no ${count === 1 ? 'mostrado' : 'mostrados'} …`,
  activity: {
    title: 'Registro de actividad',
    intro:
      'Inicios de sesión y uso del producto según los registros de la empresa, por día. El encabezado de cada día indica ' +
      'una vez la dirección IP, el dispositivo y el navegador que comparten sus eventos; una fila los muestra solo ' +
      'cuando difieren. Horas en UTC.',
    columns: { time: 'Hora (UTC)', event: 'Evento', ip: 'Dirección IP', detail: 'Detalle' },
    unknownDay: 'fecha desconocida',
    unknownTime: 'desconocida',
    events: (total, shown) =>
      shown < total ? `${esPlural(total, 'evento')} (${shown} mostrados)` : esPlural(total, 'evento'),
    ip: (value) => `IP ${value}`,
    device: (value) => `dispositivo ${value}`,
    names: { ip: 'IP', device: 'dispositivo', browser: 'navegador' },
    sameAsAbove: (names) =>
      `${names.length > 1 ? `los mismos ${names.slice(0, -1).join(', ')} y ${names.at(-1)}` : `${names[0] === 'IP' ? 'la misma' : 'el mismo'} ${names[0] ?? ''}`} que arriba`,
    allFrom: (what, one) => `${one ? 'desde' : 'todos desde'} ${what}`,
    fromWhereRecorded: (what) => `desde ${what} cuando consta, salvo que una fila muestre los suyos`,
  },
  images: {
    title: 'Lo que recibió el cliente',
    intro: (deliverables, withImages, shown) => {
      const produced =
        deliverables === 1
          ? 'Se produjo 1 entregable para este cliente.'
          : `Se produjeron ${esN(deliverables)} entregables para este cliente.`;
      if (shown === withImages)
        return `${produced} Cada imagen de abajo es uno de ellos, del más antiguo al más reciente.`;
      return `${produced} Se muestran ${shown} de los ${withImages} con imagen: el primero, el último y otros repartidos de forma regular entre ellos.`;
    },
    caption: (index, total, name, when) =>
      `Entregable ${index} de ${total}: ${name} — entregado ${when ? `el ${when}` : 'en un momento desconocido'}`,
    untitled: 'Sin título',
  },
  policies: {
    accepted: 'El cliente la aceptó',
    shownToCustomer: (where) => `Mostrada al cliente: ${where}`,
    restNotShown: (chars) => `El resto de esta política (${esPlural(chars, 'carácter', 'caracteres')}) no se muestra.`,
  },
  communications: {
    title: (business) => `Comunicación con el cliente — ${business}`,
    furtherNotShown: (count) =>
      `${esPlural(count, 'mensaje más', 'mensajes más')} no se ${count === 1 ? 'muestra' : 'muestran'} aquí.`,
    fromCustomer: 'Del cliente',
    toCustomer: 'Al cliente',
    message: 'Mensaje',
    by: (channel) => ` por ${channel}`,
  },
  refundReceipt: {
    title: (business) => `Recibo de reembolso — ${business}`,
    duplicate: (business, amount, when, opened) =>
      `Este pago era un cargo duplicado. ${business} reembolsó ${amount ?? 'la totalidad'} como duplicado${when ? ` el ${when}` : ''}, antes de que se abriera la disputa el ${opened}.`,
    refunded: (business, refund, when, opened) =>
      `${business} reembolsó ${refund.full ? `la totalidad del pago (${refund.total})` : `${refund.total} del pago de ${refund.payment}`}${when ? ` el ${when}` : ''}, antes de que se abriera la disputa el ${opened}.`,
    oneOf: (index, count) => `Reembolso ${index} de ${count}`,
    theRefund: 'El reembolso',
    refund: 'Reembolso',
    amount: 'Importe',
    date: 'Fecha',
    status: 'Estado',
    refundedTo: 'Reembolsado a',
    receiptNumber: 'N.º de recibo de reembolso',
    reason: 'Motivo',
    reasons: {
      duplicate: 'Cargo duplicado',
      fraudulent: 'Fraude',
      requested_by_customer: 'A petición del cliente',
      expired_uncaptured_charge: 'Cargo no capturado vencido',
    },
    references: {
      acquirer_reference_number: 'Número de referencia del adquirente (ARN)',
      system_trace_audit_number: 'Número de auditoría del sistema (STAN)',
    },
    reference: 'Referencia',
    backTo: (method) => `Devuelto al medio de pago utilizado: ${method}`,
    thePayment: 'El pago reembolsado',
    fromStripe: (id) => `Según los registros de Stripe de los reembolsos del pago disputado en ${id}.`,
  },
  receipt: {
    title: (business) => `Recibo — ${business}`,
    website: 'Sitio web',
    support: 'Soporte',
    receiptNumber: 'Número de recibo',
    invoiceNumber: 'Número de factura',
    charge: 'Cargo',
    date: 'Fecha',
    billedTo: 'Facturado a',
    name: 'Nombre',
    email: 'Correo electrónico',
    whatWasBought: 'Qué se compró',
    columns: { item: 'Artículo', period: 'Periodo', quantity: 'Cant.', amount: 'Importe' },
    furtherItems: (count) => `… y ${esPlural(count, 'artículo más', 'artículos más')} en la factura`,
    item: 'Artículo',
    period: 'Periodo',
    periodRange: (start, end) => `del ${start} al ${end}`,
    tax: 'Impuestos',
    amountPaid: 'Importe pagado',
    refunded: 'Reembolsado',
    payment: 'Pago',
    paidWith: 'Pagado con',
    onStatement: 'En el extracto',
    fromStripe: (id) => `Según los registros de Stripe del pago disputado en ${id}.`,
    invoiceLine: 'Línea de factura',
    ending: (last4) => ` terminada en ${last4}`,
    cardName: 'Tarjeta',
  },
};

export const PACKET_MESSAGES: Record<Language, PacketMessages> = { en, fr, de, es };

/** The reason as the cover page names it: the language's words, or Stripe's code for a reason it adds later. */
export function reasonIn(say: PacketMessages, reason: string): string {
  return (say.reasons as Record<string, string>)[reason] ?? reasonInPacket(reason);
}
