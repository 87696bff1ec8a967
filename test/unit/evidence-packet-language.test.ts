// The evidence files in the reader's language: headings, labels, columns and notes in French, German or Spanish, the
// facts and their values (names, ids, IPs, times) as the evidence states them; English unchanged by default.
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/dispute/language.js';
import { playbookReason } from '../../src/dispute/reasons.js';
import { sampleFacts } from '../../src/drafting/sample-case.js';
import type { PacketInput } from '../../src/evidence/packet/index.js';
import { buildPacket, type Packet } from '../../src/evidence/packet/index.js';
import { PLAYBOOKS } from '../../src/evidence/playbook/plans.js';
import { PACKET_MESSAGES } from '../../src/i18n/packet.js';
import { catalogueShape } from '../support/catalogue.js';
import { noisyPng, packetInput, parsePdf } from './evidence-packet-support.js';

const textOf = (packet: Packet, field: string) => {
  const file = packet.files.find((candidate) => candidate.field === field);
  const pages = parsePdf(file?.bytes ?? new Uint8Array()).pages.map((page) => page.text);
  return pages.join('\n').replace(/\s+/g, ' ');
};

describe('the evidence files catalogue', () => {
  it.each(LANGUAGES)('%s has every key English has', (language) => {
    expect(catalogueShape(PACKET_MESSAGES[language]).sort()).toEqual(catalogueShape(PACKET_MESSAGES.en).sort());
  });
});

/** What each language's files say where English says it. */
const EXPECTED = {
  fr: {
    summary: [
      'Justificatifs pour le litige du_1TestPacket',
      "Présentés par Pixel Forge Ltd (pixelforge.example/pricing, help@pixelforge.example) à l'émetteur de la carte.",
      'Le litige',
      'Produit non reçu · 49,00 USD · Visa · ouvert le 14 janvier 2026',
      'Notre réponse',
      'Les justificatifs de cet achat et de ce qui a suivi sont présentés ici.',
      'Les éléments les plus probants',
      'Le client a accepté la politique de remboursement le 1 janvier 2026 — fichier « Politique de remboursement »',
      'Ce qui a été livré',
      '3 éléments livrés au client.',
      'Contenu du dossier',
      'Chronologie',
      "Journal d'activité",
      'Heure (UTC)',
      "3 livrables n'avaient pas d'image à montrer ; ils figurent dans la chronologie.",
      'Fichier séparé : Reçu, 1 page.',
      'page 1 sur',
    ],
    receipt: ['Reçu — Pixel Forge Ltd', 'Montant payé 49,00 USD', 'Ce qui a été acheté'],
    policy: [
      'Politique de remboursement — Pixel Forge Ltd',
      "Le client l'a acceptée",
      'Présentée au client : checkout page',
    ],
    messages: ['Échanges avec le client — Pixel Forge Ltd', 'Du client par email'],
  },
  de: {
    summary: [
      'Nachweise zur Rückbuchung du_1TestPacket',
      'Eingereicht von Pixel Forge Ltd (pixelforge.example/pricing, help@pixelforge.example) beim Kartenherausgeber.',
      'Die Rückbuchung',
      'Produkt nicht erhalten · 49,00 USD · Visa · eröffnet am 14. Januar 2026',
      'Unsere Antwort',
      'Die Unterlagen zu diesem Kauf und zu allem, was darauf folgte, sind hier aufgeführt.',
      'Die stärksten Nachweise',
      'Der Kunde hat die Erstattungsrichtlinie am 1. Januar 2026 akzeptiert — Datei „Erstattungsrichtlinie“',
      'Was geliefert wurde',
      '3 Elemente an den Kunden geliefert.',
      'In diesen Unterlagen',
      'Zeitlicher Ablauf',
      'Aktivitätsprotokoll',
      'Seite 1 von',
    ],
    receipt: ['Beleg — Pixel Forge Ltd', 'Bezahlter Betrag 49,00 USD'],
    policy: ['Erstattungsrichtlinie — Pixel Forge Ltd', 'Der Kunde hat zugestimmt'],
    messages: ['Korrespondenz mit dem Kunden — Pixel Forge Ltd', 'Vom Kunden per email'],
  },
  es: {
    summary: [
      'Pruebas para la disputa du_1TestPacket',
      'Presentadas por Pixel Forge Ltd (pixelforge.example/pricing, help@pixelforge.example) al emisor de la tarjeta.',
      'La disputa',
      'Producto no recibido · 49,00 USD · Visa · abierta el 14 de enero de 2026',
      'Nuestra respuesta',
      'Aquí figuran los registros de esta compra y de lo que siguió.',
      'Las pruebas más sólidas',
      'El cliente aceptó la política de reembolsos el 1 de enero de 2026 — archivo «Política de reembolsos»',
      'Lo que se entregó',
      '3 elementos entregados al cliente.',
      'En este expediente',
      'Cronología',
      'Registro de actividad',
      'página 1 de',
    ],
    receipt: ['Recibo — Pixel Forge Ltd', 'Importe pagado 49,00 USD'],
    policy: ['Política de reembolsos — Pixel Forge Ltd', 'El cliente la aceptó'],
    messages: ['Comunicación con el cliente — Pixel Forge Ltd', 'Del cliente por email'],
  },
} as const;

describe('the evidence files in each language', () => {
  for (const [language, expected] of Object.entries(EXPECTED)) {
    it(`${language}: every file's own words are the language's; the facts and values stay as recorded`, async () => {
      const packet = await buildPacket(packetInput({ language: language as keyof typeof EXPECTED }));
      const summary = textOf(packet, 'service_documentation');
      for (const words of expected.summary) expect(summary).toContain(words);
      for (const words of expected.receipt) expect(textOf(packet, 'receipt')).toContain(words);
      for (const words of expected.policy) expect(textOf(packet, 'refund_policy')).toContain(words);
      for (const words of expected.messages) expect(textOf(packet, 'customer_communication')).toContain(words);
      // The evidence's own sentences and values, untouched.
      expect(summary).toContain('The customer paid $49.00 with a Visa card ending 4242.');
      expect(summary).toContain('203.0.113.');
      // No English heading, label or point sentence left; no English date.
      for (const english of [
        'Evidence for dispute',
        'Submitted by',
        'The dispute',
        'Our answer',
        'The records of this purchase',
        'The strongest evidence',
        'accepted the refund policy on',
        'Refund policy file',
        'What was delivered',
        'items delivered',
        'In this packet',
        'Not shown',
        'What happened',
        'page 1 of',
        'Jan 2026',
      ]) {
        expect(summary).not.toContain(english);
      }
      // What Slack is told was left out stays English: it is for the business.
      for (const drop of packet.dropped) expect(`${drop.what} ${drop.why}`).not.toMatch(/[àéèüöäñ]/);
    });
  }

  it('a file made after one with accented capitals reads back every letter (each glyph keeps its own character)', async () => {
    await buildPacket(
      packetInput({ language: 'fr', business: { ...packetInput().business, name: 'École Été Öl Ñandú' } }),
    );
    const summary = textOf(await buildPacket(packetInput()), 'service_documentation');
    expect(summary).toContain('Evidence for dispute du_1TestPacket');
    expect(summary).toContain('Product not received · $49.00 USD · Visa · opened 14 Jan 2026');
  });

  it('fr: the refund receipt is French, its values as Stripe recorded them', async () => {
    const refund = {
      id: 'stripe.refund.re_1',
      kind: 'refund' as const,
      text: 'Refund re_1 of $49.00 succeeded.',
      at: '2026-01-03T02:00:00Z',
      source: 'stripe',
      data: {
        refund_id: 're_1',
        amount: 4_900,
        currency: 'usd',
        status: 'succeeded',
        reason: 'requested_by_customer',
        created: '2026-01-03T02:00:00Z',
        reference: '74036116163000000000123',
        reference_type: 'acquirer_reference_number',
      },
    };
    const input = packetInput({ language: 'fr' });
    const packet = await buildPacket({
      ...input,
      refundReceipt: { field: 'uncategorized_file', refunds: [refund] },
      fileFields: [...input.fileFields, 'uncategorized_file'],
    });
    const text = textOf(packet, 'uncategorized_file');
    expect(text).toContain('Reçu de remboursement — Pixel Forge Ltd');
    expect(text).toContain(
      "Pixel Forge Ltd a remboursé l'intégralité du paiement (49,00 USD) le 2026-01-03 02:00 UTC, avant l'ouverture du litige le 2026-01-14 21:20 UTC.",
    );
    expect(text).toContain("Numéro de référence de l'acquéreur (ARN) 74036116163000000000123");
    expect(text).toContain('Motif À la demande du client');
  });

  it('English by default, as before', async () => {
    const packet = await buildPacket(packetInput());
    const summary = textOf(packet, 'service_documentation');
    expect(summary).toContain('Evidence for dispute du_1TestPacket');
    expect(summary).toContain('Submitted by Pixel Forge Ltd (pixelforge.example/pricing, help@pixelforge.example)');
    expect(summary).toContain('Product not received · $49.00 USD · Visa · opened 14 Jan 2026');
    expect(summary).toContain('Our answer The records of this purchase and what followed it are set out here.');
    expect(summary).toContain(
      'The strongest evidence • The customer accepted the refund policy on 1 Jan 2026 — Refund policy file',
    );
    expect(summary).toContain('What was delivered 3 items delivered to the customer.');
    expect(summary).toContain('In this packet');
    expect(summary).toContain('page 1 of');
    expect(textOf(packet, 'receipt')).toContain('Amount paid $49.00 USD');
  });
});

/** A fraud dispute on the sample case (3-D Secure, use after paying, a message, a design delivered), in `language`. */
async function fraudInput(language: PacketInput['language']): Promise<PacketInput> {
  const timeline = [...sampleFacts()].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
  const image = await noisyPng(300, 200, 5);
  return {
    dispute: {
      id: 'du_1CoverLang',
      reason: 'fraudulent',
      amount: 4900,
      currency: 'usd',
      cardBrand: 'visa',
      created: '2026-04-01T12:00:00Z',
    },
    business: { name: 'Pixel Forge', productDescription: 'Pixel Forge Pro', supportEmail: 'help@pixelforge.example' },
    textFields: {},
    timeline,
    activity: timeline.filter((fact) => fact.kind === 'activity'),
    deliverables: timeline
      .filter((fact) => fact.kind === 'deliverable')
      .map((fact) => ({
        title: String(fact.data?.title ?? fact.text),
        at: fact.at,
        image: { bytes: image, contentType: 'image/png' },
      })),
    receipt: timeline.filter((fact) => fact.kind === 'charge' || fact.kind === 'customer'),
    policies: [],
    fileFields: PLAYBOOKS[playbookReason('fraudulent')].files,
    communications: timeline.filter((fact) => fact.kind === 'communication'),
    language,
  };
}

/** Page 1 of a fraud dispute's service documentation in each language: the answer, the points and their places. */
const COVERS = {
  en: [
    'Evidence for dispute du_1CoverLang',
    'Fraudulent (cardholder says the payment was not authorized) · $49.00 USD · Visa ending 4242 · opened 1 Apr 2026',
    'Our answer The cardholder made this purchase and kept using what they paid for.',
    'The strongest evidence • The card issuer authenticated the cardholder with 3-D Secure, shifting fraud liability to the issuer — p. 2',
    'A message with the customer on 5 Mar 2026 — Communication with the customer file',
    'What was delivered 1 item delivered to the customer. Shown here: “Spring banner”, delivered 5 Mar 2026.',
  ],
  fr: [
    'Justificatifs pour le litige du_1CoverLang',
    'Fraude (le titulaire déclare ne pas avoir autorisé le paiement) · 49,00 USD · Visa se terminant par 4242 · ouvert le 1 avril 2026',
    'Notre réponse Le titulaire de la carte a effectué cet achat et a continué à utiliser ce qu’il a payé.',
    'Les éléments les plus probants • L’émetteur de la carte a authentifié le titulaire avec 3-D Secure',
    'Utilisé après le paiement : 2 événements du 4 mars 2026 au 5 mars 2026',
    'Un message avec le client le 5 mars 2026 — fichier « Échanges avec le client »',
    'Ce qui a été livré 1 élément livré au client. Présenté ici : « Spring banner », livré le 5 mars 2026.',
  ],
  de: [
    'Nachweise zur Rückbuchung du_1CoverLang',
    'Betrug (der Karteninhaber gibt an, die Zahlung nicht autorisiert zu haben) · 49,00 USD · Visa mit Endziffern 4242 · eröffnet am 1. April 2026',
    'Unsere Antwort Der Karteninhaber hat diesen Kauf getätigt und das Bezahlte weiter genutzt.',
    'Die stärksten Nachweise • Der Kartenherausgeber hat den Karteninhaber mit 3-D Secure authentifiziert',
    'Nach der Zahlung genutzt: 2 Ereignisse vom 4. März 2026 bis zum 5. März 2026',
    'Eine Nachricht mit dem Kunden am 5. März 2026 — Datei „Korrespondenz mit dem Kunden“',
    'Was geliefert wurde 1 Element an den Kunden geliefert. Hier gezeigt: „Spring banner“, geliefert am 5. März 2026.',
  ],
  es: [
    'Pruebas para la disputa du_1CoverLang',
    'Fraude (el titular afirma que no autorizó el pago) · 49,00 USD · Visa terminada en 4242 · abierta el 1 de abril de 2026',
    'Nuestra respuesta El titular de la tarjeta hizo esta compra y siguió usando lo que pagó.',
    'Las pruebas más sólidas • El emisor de la tarjeta autenticó al titular con 3-D Secure',
    'Usado después del pago: 2 eventos del 4 de marzo de 2026 al 5 de marzo de 2026',
    'Un mensaje con el cliente el 5 de marzo de 2026 — archivo «Comunicación con el cliente»',
    'Lo que se entregó 1 elemento entregado al cliente. Se muestra aquí: «Spring banner», entregado el 5 de marzo de 2026.',
  ],
} as const;
/** Where page 1 says a point is on page 2 of this file. */
const PAGE_2 = { en: '— p. 2', fr: '— p. 2', de: '— S. 2', es: '— pág. 2' } as const;

describe('the cover page in each language', () => {
  for (const [language, expected] of Object.entries(COVERS)) {
    it(`${language}: the dispute, the answer, the points with their places and what was delivered are in ${language}`, async () => {
      const packet = await buildPacket(await fraudInput(language as keyof typeof COVERS));
      const main = packet.files.find((file) => file.field === 'service_documentation');
      const cover = (parsePdf(main?.bytes ?? new Uint8Array()).pages[0]?.text ?? '').replace(/\s+/g, ' ');
      for (const words of expected) expect(cover).toContain(words);
      expect(cover).toContain(PAGE_2[language as keyof typeof PAGE_2]);
      // The cover stored with the case names this file by its title in the language, for the rebuttal's opening.
      const titles = PACKET_MESSAGES[language as keyof typeof COVERS].titles;
      expect(packet.cover?.points[0]).toMatchObject({ item: 'three_d_secure', file: titles.serviceDocumentation });
      if (language !== 'en') {
        expect(cover).not.toMatch(
          /Evidence for|Our answer|strongest|The cardholder|The customer|delivered|Used after|\bfile\b|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}/,
        );
      }
    });
  }
});
