import type { Language } from '../dispute/language.js';

/**
 * The activity summary's words (evidence/activity-summary.ts) in each language the bank may read: the one fact rebut
 * writes itself for the rebuttal and the service documentation's key facts. Every number stands right before the noun
 * it counts ("12 événements", "3 IP-Adressen", "1 500 ×"), where the grounding check reads counts; times stay
 * `2026-03-04 14:05 UTC`; event names, IPs and devices are the business's own.
 */
export interface ActivityWords {
  after: string;
  before: string;
  /** `12 events`, with the language's thousands separator. */
  events: (count: number) => string;
  oneEventAt: (when: string) => string;
  eventsFromTo: (count: number, from: string, to: string) => string;
  /** `1,500 × generated a design`. */
  times: (count: number, name: string) => string;
  and: string;
  others: (count: number) => string;
  ipAddresses: (count: number) => string;
  devices: (count: number) => string;
  mostUsed: (value: string, count: number) => string;
  from: (parts: string) => string;
  fromCheckoutIp: (count: number, ip: string) => string;
  fromCheckoutDevice: (count: number, device: string) => string;
}

/** Thousands grouped as the locale groups them, with a plain no-break space where it uses a narrow one. */
const grouped = (locale: string) => (count: number) => count.toLocaleString(locale).replace(/\u202f/g, '\u00a0');
const en = grouped('en-US');
const fr = grouped('fr-FR');
const de = grouped('de-DE');
const es = grouped('es-ES');

export const ACTIVITY_WORDS: Record<Language, ActivityWords> = {
  en: {
    after: 'After the payment',
    before: 'Before the payment (prior use, not the use disputed)',
    events: (count) => `${en(count)} ${count === 1 ? 'event' : 'events'}`,
    oneEventAt: (when) => `1 event, at ${when}`,
    eventsFromTo: (count, from, to) => `${en(count)} events from ${from} to ${to}`,
    times: (count, name) => `${en(count)} × ${name}`,
    and: 'and',
    others: (count) => `${en(count)} ${count === 1 ? 'other' : 'others'}`,
    ipAddresses: (count) => `${en(count)} ${count === 1 ? 'IP address' : 'IP addresses'}`,
    devices: (count) => `${en(count)} ${count === 1 ? 'device' : 'devices'}`,
    mostUsed: (value, count) => `most used ${value}, in ${en(count)} ${count === 1 ? 'event' : 'events'}`,
    from: (parts) => `, from ${parts}`,
    fromCheckoutIp: (count, ip) =>
      `${en(count)} ${count === 1 ? 'event' : 'events'} came from the checkout's IP address ${ip}`,
    fromCheckoutDevice: (count, device) =>
      `${en(count)} ${count === 1 ? 'event' : 'events'} from the checkout's device ${device}`,
  },
  fr: {
    after: 'Après le paiement',
    before: 'Avant le paiement (utilisation antérieure, pas celle qui est contestée)',
    events: (count) => `${fr(count)} ${count > 1 ? 'événements' : 'événement'}`,
    oneEventAt: (when) => `1 événement, le ${when}`,
    eventsFromTo: (count, from, to) => `${fr(count)} événements du ${from} au ${to}`,
    times: (count, name) => `${fr(count)} × ${name}`,
    and: 'et',
    others: (count) => `${fr(count)} ${count > 1 ? 'autres' : 'autre'}`,
    ipAddresses: (count) => `${fr(count)} ${count > 1 ? 'adresses IP' : 'adresse IP'}`,
    devices: (count) => `${fr(count)} ${count > 1 ? 'appareils' : 'appareil'}`,
    mostUsed: (value, count) =>
      `le plus utilisé : ${value}, dans ${fr(count)} ${count > 1 ? 'événements' : 'événement'}`,
    from: (parts) => `, depuis ${parts}`,
    fromCheckoutIp: (count, ip) =>
      `${fr(count)} ${count > 1 ? 'événements venaient' : 'événement venait'} de l'adresse IP du paiement en ligne ${ip}`,
    fromCheckoutDevice: (count, device) =>
      `${fr(count)} ${count > 1 ? 'événements' : 'événement'} de l'appareil du paiement en ligne ${device}`,
  },
  de: {
    after: 'Nach der Zahlung',
    before: 'Vor der Zahlung (frühere Nutzung, nicht die beanstandete)',
    events: (count) => `${de(count)} ${count === 1 ? 'Ereignis' : 'Ereignisse'}`,
    oneEventAt: (when) => `1 Ereignis, am ${when}`,
    eventsFromTo: (count, from, to) => `${de(count)} Ereignisse von ${from} bis ${to}`,
    times: (count, name) => `${de(count)} × ${name}`,
    and: 'und',
    others: (count) => `${de(count)} ${count === 1 ? 'weiteres' : 'weitere'}`,
    ipAddresses: (count) => `${de(count)} ${count === 1 ? 'IP-Adresse' : 'IP-Adressen'}`,
    devices: (count) => `${de(count)} ${count === 1 ? 'Gerät' : 'Geräte'}`,
    mostUsed: (value, count) => `am häufigsten ${value}, bei ${de(count)} ${count === 1 ? 'Ereignis' : 'Ereignissen'}`,
    from: (parts) => `, von ${parts}`,
    fromCheckoutIp: (count, ip) =>
      `${de(count)} ${count === 1 ? 'Ereignis kam' : 'Ereignisse kamen'} von der IP-Adresse des Bezahlvorgangs ${ip}`,
    fromCheckoutDevice: (count, device) =>
      `${de(count)} ${count === 1 ? 'Ereignis' : 'Ereignisse'} vom Gerät des Bezahlvorgangs ${device}`,
  },
  es: {
    after: 'Después del pago',
    before: 'Antes del pago (uso anterior, no el uso disputado)',
    events: (count) => `${es(count)} ${count === 1 ? 'evento' : 'eventos'}`,
    oneEventAt: (when) => `1 evento, el ${when}`,
    eventsFromTo: (count, from, to) => `${es(count)} eventos del ${from} al ${to}`,
    times: (count, name) => `${es(count)} × ${name}`,
    and: 'y',
    others: (count) => `${es(count)} ${count === 1 ? 'otro' : 'otros'}`,
    ipAddresses: (count) => `${es(count)} ${count === 1 ? 'dirección IP' : 'direcciones IP'}`,
    devices: (count) => `${es(count)} ${count === 1 ? 'dispositivo' : 'dispositivos'}`,
    mostUsed: (value, count) => `el más usado: ${value}, en ${es(count)} ${count === 1 ? 'evento' : 'eventos'}`,
    from: (parts) => `, desde ${parts}`,
    fromCheckoutIp: (count, ip) =>
      `${es(count)} ${count === 1 ? 'evento vino' : 'eventos vinieron'} de la dirección IP del pago ${ip}`,
    fromCheckoutDevice: (count, device) =>
      `${es(count)} ${count === 1 ? 'evento' : 'eventos'} del dispositivo del pago ${device}`,
  },
};
