import { type Language, LOCALES } from '../dispute/language.js';
import type { PolicyShownAt } from '../evidence/config.js';
import { formatMoneyCode, formatMoneyWithCode } from '../money.js';

/**
 * The sentences rebut writes into Stripe's text evidence fields (evidence/playbook/text-fields.ts) in each language the
 * bank may read (docs/architecture.md → "The reader's language"): one typed object per language with the same keys, so
 * a new sentence is added to all four or `tsc` fails. Values come in as arguments: times and dates already written
 * `2026-03-04 14:05 UTC` and `2026-03-04` in every language (the analyst and the grounding check read them one way),
 * amounts and counts raw, written here as the language writes them, each count right before the noun it counts. The
 * business's own words (its product description, event and policy names, deliverable titles) and the ids, IPs and
 * addresses stay as recorded.
 */
export interface TextFieldWords {
  /** `4900, 'usd'` → `49.00 USD` in English (what the field always said), `49,00 USD` in the others. */
  money: (minor: number, currency: string) => string;
  activityLog: {
    /** The log's first line; `chargeDate` when the payment's date is known. */
    header: (args: { business: string; deliverables: boolean; chargeDate: string | null }) => string;
    /** A deliverable's line after its time; `title` as the business named it, when it did. */
    delivered: (title: string | null) => string;
    /** An activity row without an event name. */
    unnamedEvent: string;
    fromIp: (ip: string) => string;
    device: (device: string) => string;
    /** The rows past MAX_ACTIVITY_LOG_LINES. */
    more: (count: number) => string;
    /** `ips`: the first few of the `ipCount` addresses, already listed. */
    summary: (args: { count: number; first: string; last: string; ipCount: number; ips: string }) => string;
    sameIpBefore: (args: { ipCount: number; count: number; firstDate: string }) => string;
  };
  product: {
    paidFor: (description: string) => string;
    contact: (website: string, email: string) => string;
  };
  /** The invoice's period, for `service_date`. */
  billingPeriod: (start: string, end: string) => string;
  policy: {
    /** The policy a disclosure is about, as the sentence names it after its article. */
    titles: { refund: string; cancellation: string };
    /** Where a policy was shown, as a phrase that follows "shown to the customer". */
    places: Record<PolicyShownAt, string>;
    /** A place the business records that rebut has no phrase for, in the business's own word. */
    otherPlace: (place: string) => string;
    /** `places` already phrased; none when the configuration names none. */
    shown: (args: { title: string; places: string[]; url: string | null; effective: string | null }) => string;
    /** `policy` as the business names it in its acceptance record. */
    accepted: (args: {
      policy: string;
      version: string | null;
      at: string;
      place: string | null;
      ip: string | null;
    }) => string;
  };
  usage: (args: { sessions: number; deliverables: number; last: string | null }) => string;
  cancellation: {
    noRequestBefore: (args: {
      subscriptionId: string;
      chargedAt: string;
      cancelledAt: string | null;
      accessUntil: string | null;
    }) => string;
    policyExplains: string;
  };
  refund: {
    governedByPolicy: (acceptedOn: string | null) => string;
    issued: (amount: string, on: string) => string;
    customerContacted: (on: string) => string;
  };
  duplicate: {
    /** `money` already written, when the charge's amount is known. */
    separate: (args: {
      chargeId: string;
      money: string | null;
      at: string;
      otherId: string;
      otherAt: string;
      days: number;
    }) => string;
    invoice: (args: { number: string; start: string; end: string }) => string;
  };
}

/** Thousands grouped as the locale groups them, a plain no-break space where it uses a narrow one (i18n/activity.ts). */
const grouped = (locale: string) => (count: number) => count.toLocaleString(locale).replace(/\u202f/g, '\u00a0');
const frN = grouped(LOCALES.fr);
const deN = grouped(LOCALES.de);
const esN = grouped(LOCALES.es);
/** `3 événements`: the count, then the noun in French's plural (which starts at 2: `0 événement`, `1 événement`). */
const fr = (count: number, one: string, many: string) => `${frN(count)} ${count > 1 ? many : one}`;
const de = (count: number, one: string, many: string) => `${deN(count)} ${count === 1 ? one : many}`;
const es = (count: number, one: string, many: string) => `${esN(count)} ${count === 1 ? one : many}`;

/** English is what the fields said before they had other languages, byte for byte: counts ungrouped, `events` after "more". */
const EN: TextFieldWords = {
  money: formatMoneyCode,
  activityLog: {
    header: ({ business, deliverables, chargeDate }) =>
      `${business} account ${deliverables ? 'deliverables' : 'activity'} after the payment${chargeDate ? ` of ${chargeDate}` : ''} (times in UTC):`,
    delivered: (title) => `delivered ${title ?? 'a deliverable'}`,
    unnamedEvent: 'activity',
    fromIp: (ip) => `from IP ${ip}`,
    device: (device) => `device ${device}`,
    more: (count) => `… and ${count} more events.`,
    summary: ({ count, first, last, ipCount, ips }) =>
      `Summary: ${count} event${count === 1 ? '' : 's'} between ${first} and ${last}` +
      `${ipCount ? ` from ${ipCount} IP address${ipCount === 1 ? '' : 'es'} (${ips})` : ''}.`,
    sameIpBefore: ({ ipCount, count, firstDate }) =>
      `Before the payment the same IP address${ipCount === 1 ? ' was' : 'es were'} used for ${count} earlier event${count === 1 ? '' : 's'} on this account, the first on ${firstDate}.`,
  },
  product: {
    paidFor: (description) => `The payment was for: ${description}.`,
    contact: (website, email) => `Website: ${website}. Support: ${email}.`,
  },
  billingPeriod: (start, end) => `${start} to ${end} (the billing period this payment covers)`,
  policy: {
    titles: { refund: 'refund policy', cancellation: 'cancellation policy' },
    places: {
      checkout_page: 'on the checkout page',
      signup_page: 'on the sign-up page',
      in_app: 'in the app',
      email: 'by email',
      receipt: 'on the receipt',
      terms_link: 'through the terms link',
      website: 'on the website',
    },
    otherPlace: (place) => `on the ${place}`,
    shown: ({ title, places, url, effective }) =>
      `The ${title} was shown to the customer ${places.length ? places.join(', ') : 'before purchase'}` +
      `${url ? ` and is published at ${url}` : ''}${effective ? ` (the version in force when the customer paid, in effect since ${effective})` : ''}.`,
    accepted: ({ policy, version, at, place, ip }) =>
      `The customer accepted the ${policy} policy${version ? ` (version ${version})` : ''}` +
      ` on ${at}${place ? ` ${place}` : ''}${ip ? ` from IP ${ip}` : ''}.`,
  },
  usage: ({ sessions, deliverables, last }) => {
    const parts = [
      sessions ? `${sessions} recorded session${sessions === 1 ? '' : 's'} or actions` : null,
      deliverables ? `${deliverables} deliverable${deliverables === 1 ? '' : 's'} produced` : null,
    ].filter(Boolean);
    return `After the payment the customer kept using the service: ${parts.join(' and ')}${last ? `, the last on ${last}` : ''}.`;
  },
  cancellation: {
    noRequestBefore: ({ subscriptionId, chargedAt, cancelledAt, accessUntil }) =>
      `Subscription ${subscriptionId} had no cancellation request before this charge on ${chargedAt}` +
      `${cancelledAt ? `; the customer asked to cancel on ${cancelledAt}, after the charge${accessUntil ? `, and kept access until ${accessUntil}` : ''}` : ''}.`,
    policyExplains: 'The cancellation policy shown before purchase explains how to cancel before a renewal.',
  },
  refund: {
    governedByPolicy: (acceptedOn) =>
      `Refunds are governed by the refund policy shown before purchase${acceptedOn ? `, which the customer accepted on ${acceptedOn}` : ''}.`,
    issued: (amount, on) => `A refund of ${amount} was issued on ${on}.`,
    customerContacted: (on) => `The customer contacted support on ${on}; the conversation is attached.`,
  },
  duplicate: {
    separate: ({ chargeId, money, at, otherId, otherAt, days }) =>
      `The disputed charge ${chargeId}${money ? ` of ${money}` : ''} on ${at} and charge ${otherId} on ${otherAt} are separate payments, made ${days} day${days === 1 ? '' : 's'} apart.`,
    invoice: ({ number, start, end }) =>
      `The disputed charge paid invoice ${number} for the period ${start} to ${end}, a period the other charge did not cover.`,
  },
};

const FR: TextFieldWords = {
  money: (minor, currency) => formatMoneyWithCode(minor, currency, LOCALES.fr),
  activityLog: {
    header: ({ business, deliverables, chargeDate }) =>
      `${deliverables ? 'Livrables' : 'Activité'} du compte ${business} après le paiement${chargeDate ? ` du ${chargeDate}` : ''} (heures en UTC) :`,
    delivered: (title) => (title ? `livré : ${title}` : 'un livrable livré'),
    unnamedEvent: 'activité',
    fromIp: (ip) => `depuis l’IP ${ip}`,
    device: (device) => `appareil ${device}`,
    more: (count) => `… et ${fr(count, 'autre événement', 'autres événements')}.`,
    summary: ({ count, first, last, ipCount, ips }) =>
      `Récapitulatif : ${fr(count, 'événement', 'événements')} entre le ${first} et le ${last}` +
      `${ipCount ? ` depuis ${fr(ipCount, 'adresse IP', 'adresses IP')} (${ips})` : ''}.`,
    sameIpBefore: ({ ipCount, count, firstDate }) =>
      `Avant le paiement, ${ipCount > 1 ? 'les mêmes adresses IP avaient déjà servi' : 'la même adresse IP avait déjà servi'}` +
      ` pour ${fr(count, 'événement', 'événements')} sur ce compte, le premier le ${firstDate}.`,
  },
  product: {
    paidFor: (description) => `Le paiement portait sur : ${description}.`,
    contact: (website, email) => `Site web : ${website}. Assistance : ${email}.`,
  },
  billingPeriod: (start, end) => `du ${start} au ${end} (la période de facturation couverte par ce paiement)`,
  policy: {
    titles: { refund: 'politique de remboursement', cancellation: 'politique d’annulation' },
    places: {
      checkout_page: 'sur la page de paiement',
      signup_page: 'sur la page d’inscription',
      in_app: 'dans l’application',
      email: 'par e-mail',
      receipt: 'sur le reçu',
      terms_link: 'par le lien vers les conditions',
      website: 'sur le site web',
    },
    otherPlace: (place) => `via ${place}`,
    shown: ({ title, places, url, effective }) =>
      `La ${title} a été présentée au client ${places.length ? places.join(', ') : 'avant l’achat'}` +
      `${url ? ` et est publiée à l’adresse ${url}` : ''}${effective ? ` (la version en vigueur lors du paiement, applicable depuis le ${effective})` : ''}.`,
    accepted: ({ policy, version, at, place, ip }) =>
      `Le client a accepté la politique « ${policy} »${version ? ` (version ${version})` : ''}` +
      ` le ${at}${place ? ` ${place}` : ''}${ip ? ` depuis l’IP ${ip}` : ''}.`,
  },
  usage: ({ sessions, deliverables, last }) => {
    const parts = [
      sessions ? fr(sessions, 'session ou action enregistrée', 'sessions ou actions enregistrées') : null,
      deliverables ? fr(deliverables, 'livrable produit', 'livrables produits') : null,
    ].filter(Boolean);
    return `Après le paiement, le client a continué à utiliser le service : ${parts.join(' et ')}${last ? `, la dernière fois le ${last}` : ''}.`;
  },
  cancellation: {
    noRequestBefore: ({ subscriptionId, chargedAt, cancelledAt, accessUntil }) =>
      `L’abonnement ${subscriptionId} n’a fait l’objet d’aucune demande d’annulation avant ce paiement du ${chargedAt}` +
      `${cancelledAt ? ` ; le client a demandé l’annulation le ${cancelledAt}, après le paiement${accessUntil ? `, et a gardé l’accès jusqu’au ${accessUntil}` : ''}` : ''}.`,
    policyExplains:
      'La politique d’annulation présentée avant l’achat explique comment annuler avant un renouvellement.',
  },
  refund: {
    governedByPolicy: (acceptedOn) =>
      `Les remboursements relèvent de la politique de remboursement présentée avant l’achat${acceptedOn ? `, que le client a acceptée le ${acceptedOn}` : ''}.`,
    issued: (amount, on) => `Un remboursement de ${amount} a été effectué le ${on}.`,
    customerContacted: (on) => `Le client a contacté l’assistance le ${on} ; l’échange est joint.`,
  },
  duplicate: {
    separate: ({ chargeId, money, at, otherId, otherAt, days }) =>
      `Le paiement contesté ${chargeId}${money ? ` de ${money}` : ''} du ${at} et le paiement ${otherId} du ${otherAt} sont des paiements distincts, effectués à ${fr(days, 'jour', 'jours')} d’intervalle.`,
    invoice: ({ number, start, end }) =>
      `Le paiement contesté a réglé la facture ${number} pour la période du ${start} au ${end}, une période que l’autre paiement ne couvrait pas.`,
  },
};

const DE: TextFieldWords = {
  money: (minor, currency) => formatMoneyWithCode(minor, currency, LOCALES.de),
  activityLog: {
    header: ({ business, deliverables, chargeDate }) =>
      `${deliverables ? 'Lieferungen' : 'Aktivität'} im Konto bei ${business} nach der Zahlung${chargeDate ? ` vom ${chargeDate}` : ''} (Zeiten in UTC):`,
    delivered: (title) => (title ? `geliefert: ${title}` : 'eine Lieferung erhalten'),
    unnamedEvent: 'Aktivität',
    fromIp: (ip) => `von IP ${ip}`,
    device: (device) => `Gerät ${device}`,
    more: (count) => `… und ${de(count, 'weiteres Ereignis', 'weitere Ereignisse')}.`,
    summary: ({ count, first, last, ipCount, ips }) =>
      `Zusammenfassung: ${de(count, 'Ereignis', 'Ereignisse')} zwischen ${first} und ${last}` +
      `${ipCount ? ` von ${de(ipCount, 'IP-Adresse', 'IP-Adressen')} (${ips})` : ''}.`,
    sameIpBefore: ({ ipCount, count, firstDate }) =>
      `Vor der Zahlung ${ipCount === 1 ? 'wurde dieselbe IP-Adresse' : 'wurden dieselben IP-Adressen'} in diesem Konto bereits` +
      ` für ${de(count, 'Ereignis', 'Ereignisse')} verwendet, das erste am ${firstDate}.`,
  },
  product: {
    paidFor: (description) => `Die Zahlung betraf: ${description}.`,
    contact: (website, email) => `Webseite: ${website}. Kundendienst: ${email}.`,
  },
  billingPeriod: (start, end) => `${start} bis ${end} (der Abrechnungszeitraum, den diese Zahlung abdeckt)`,
  policy: {
    titles: { refund: 'Erstattungsrichtlinie', cancellation: 'Kündigungsrichtlinie' },
    places: {
      checkout_page: 'auf der Bezahlseite',
      signup_page: 'auf der Registrierungsseite',
      in_app: 'in der App',
      email: 'per E-Mail',
      receipt: 'auf der Quittung',
      terms_link: 'über den Link zu den Bedingungen',
      website: 'auf der Webseite',
    },
    otherPlace: (place) => `über ${place}`,
    shown: ({ title, places, url, effective }) =>
      `Die ${title} wurde dem Kunden ${places.length ? places.join(', ') : 'vor dem Kauf'} angezeigt` +
      `${url ? ` und ist unter ${url} veröffentlicht` : ''}${effective ? ` (die bei der Zahlung geltende Fassung, in Kraft seit ${effective})` : ''}.`,
    accepted: ({ policy, version, at, place, ip }) =>
      `Der Kunde hat die Richtlinie „${policy}“${version ? ` (Version ${version})` : ''}` +
      ` am ${at}${place ? ` ${place}` : ''}${ip ? ` von IP ${ip}` : ''} akzeptiert.`,
  },
  usage: ({ sessions, deliverables, last }) => {
    const parts = [
      sessions ? `${de(sessions, 'Sitzung oder Aktion', 'Sitzungen oder Aktionen')} aufgezeichnet` : null,
      deliverables ? `${de(deliverables, 'Ergebnis', 'Ergebnisse')} geliefert` : null,
    ].filter(Boolean);
    return `Nach der Zahlung hat der Kunde den Dienst weiter genutzt: ${parts.join(' und ')}${last ? `, zuletzt am ${last}` : ''}.`;
  },
  cancellation: {
    noRequestBefore: ({ subscriptionId, chargedAt, cancelledAt, accessUntil }) =>
      `Für das Abonnement ${subscriptionId} lag vor dieser Zahlung am ${chargedAt} keine Kündigung vor` +
      `${cancelledAt ? `; der Kunde hat am ${cancelledAt} gekündigt, nach der Zahlung${accessUntil ? `, und behielt den Zugang bis ${accessUntil}` : ''}` : ''}.`,
    policyExplains: 'Die vor dem Kauf angezeigte Kündigungsrichtlinie erklärt, wie man vor einer Verlängerung kündigt.',
  },
  refund: {
    governedByPolicy: (acceptedOn) =>
      `Erstattungen richten sich nach der vor dem Kauf angezeigten Erstattungsrichtlinie${acceptedOn ? `, die der Kunde am ${acceptedOn} akzeptiert hat` : ''}.`,
    issued: (amount, on) => `Am ${on} wurde eine Erstattung über ${amount} ausgeführt.`,
    customerContacted: (on) => `Der Kunde hat sich am ${on} an den Kundendienst gewandt; der Austausch liegt bei.`,
  },
  duplicate: {
    separate: ({ chargeId, money, at, otherId, otherAt, days }) =>
      `Die beanstandete Zahlung ${chargeId}${money ? ` über ${money}` : ''} vom ${at} und die Zahlung ${otherId} vom ${otherAt} sind getrennte Zahlungen im Abstand von ${de(days, 'Tag', 'Tagen')}.`,
    invoice: ({ number, start, end }) =>
      `Die beanstandete Zahlung beglich die Rechnung ${number} für den Zeitraum ${start} bis ${end}, einen Zeitraum, den die andere Zahlung nicht abdeckte.`,
  },
};

const ES: TextFieldWords = {
  money: (minor, currency) => formatMoneyWithCode(minor, currency, LOCALES.es),
  activityLog: {
    header: ({ business, deliverables, chargeDate }) =>
      `${deliverables ? 'Entregas' : 'Actividad'} de la cuenta en ${business} después del pago${chargeDate ? ` del ${chargeDate}` : ''} (horas en UTC):`,
    delivered: (title) => (title ? `entregado: ${title}` : 'entregado un elemento'),
    unnamedEvent: 'actividad',
    fromIp: (ip) => `desde la IP ${ip}`,
    device: (device) => `dispositivo ${device}`,
    more: (count) => `… y ${es(count, 'evento más', 'eventos más')}.`,
    summary: ({ count, first, last, ipCount, ips }) =>
      `Resumen: ${es(count, 'evento', 'eventos')} entre ${first} y ${last}` +
      `${ipCount ? ` desde ${es(ipCount, 'dirección IP', 'direcciones IP')} (${ips})` : ''}.`,
    sameIpBefore: ({ ipCount, count, firstDate }) =>
      `Antes del pago, ${ipCount === 1 ? 'la misma dirección IP ya se había usado' : 'las mismas direcciones IP ya se habían usado'}` +
      ` en ${es(count, 'evento', 'eventos')} de esta cuenta, el primero el ${firstDate}.`,
  },
  product: {
    paidFor: (description) => `El pago correspondía a: ${description}.`,
    contact: (website, email) => `Sitio web: ${website}. Atención al cliente: ${email}.`,
  },
  billingPeriod: (start, end) => `del ${start} al ${end} (el período de facturación que cubre este pago)`,
  policy: {
    titles: { refund: 'política de reembolsos', cancellation: 'política de cancelación' },
    places: {
      checkout_page: 'en la página de pago',
      signup_page: 'en la página de registro',
      in_app: 'en la aplicación',
      email: 'por correo electrónico',
      receipt: 'en el recibo',
      terms_link: 'mediante el enlace a las condiciones',
      website: 'en el sitio web',
    },
    otherPlace: (place) => `a través de ${place}`,
    shown: ({ title, places, url, effective }) =>
      `La ${title} se mostró al cliente ${places.length ? places.join(', ') : 'antes de la compra'}` +
      `${url ? ` y está publicada en ${url}` : ''}${effective ? ` (la versión vigente cuando el cliente pagó, en vigor desde ${effective})` : ''}.`,
    accepted: ({ policy, version, at, place, ip }) =>
      `El cliente aceptó la política «${policy}»${version ? ` (versión ${version})` : ''}` +
      ` el ${at}${place ? ` ${place}` : ''}${ip ? ` desde la IP ${ip}` : ''}.`,
  },
  usage: ({ sessions, deliverables, last }) => {
    const parts = [
      sessions ? es(sessions, 'sesión o acción registrada', 'sesiones o acciones registradas') : null,
      deliverables ? es(deliverables, 'entregable producido', 'entregables producidos') : null,
    ].filter(Boolean);
    return `Después del pago, el cliente siguió usando el servicio: ${parts.join(' y ')}${last ? `, la última vez el ${last}` : ''}.`;
  },
  cancellation: {
    noRequestBefore: ({ subscriptionId, chargedAt, cancelledAt, accessUntil }) =>
      `La suscripción ${subscriptionId} no tenía ninguna solicitud de cancelación antes de este cargo del ${chargedAt}` +
      `${cancelledAt ? `; el cliente pidió cancelar el ${cancelledAt}, después del cargo${accessUntil ? `, y conservó el acceso hasta el ${accessUntil}` : ''}` : ''}.`,
    policyExplains:
      'La política de cancelación mostrada antes de la compra explica cómo cancelar antes de una renovación.',
  },
  refund: {
    governedByPolicy: (acceptedOn) =>
      `Los reembolsos se rigen por la política de reembolsos mostrada antes de la compra${acceptedOn ? `, que el cliente aceptó el ${acceptedOn}` : ''}.`,
    issued: (amount, on) => `Se emitió un reembolso de ${amount} el ${on}.`,
    customerContacted: (on) => `El cliente contactó con atención al cliente el ${on}; se adjunta la conversación.`,
  },
  duplicate: {
    separate: ({ chargeId, money, at, otherId, otherAt, days }) =>
      `El cargo disputado ${chargeId}${money ? ` de ${money}` : ''} del ${at} y el cargo ${otherId} del ${otherAt} son pagos distintos, realizados con ${es(days, 'día', 'días')} de diferencia.`,
    invoice: ({ number, start, end }) =>
      `El cargo disputado pagó la factura ${number} del período del ${start} al ${end}, un período que el otro cargo no cubría.`,
  },
};

export const TEXT_FIELD_WORDS: Record<Language, TextFieldWords> = { en: EN, fr: FR, de: DE, es: ES };
