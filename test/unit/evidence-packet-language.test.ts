// The evidence files in the reader's language: headings, labels, columns and notes in French, German or Spanish, the
// facts and their values (names, ids, IPs, times) as the evidence states them; English unchanged by default.
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/dispute/language.js';
import { buildPacket, type Packet } from '../../src/evidence/packet/index.js';
import { PACKET_MESSAGES } from '../../src/i18n/packet.js';
import { packetInput, parsePdf } from './evidence-packet-support.js';

const textOf = (packet: Packet, field: string) => {
  const file = packet.files.find((candidate) => candidate.field === field);
  const pages = parsePdf(file?.bytes ?? new Uint8Array()).pages.map((page) => page.text);
  return pages.join('\n').replace(/\s+/g, ' ');
};

/** Every key path of a catalogue, with `()` for a function. */
function shape(value: unknown, path = ''): string[] {
  if (typeof value === 'function') return [`${path}()`];
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => shape(inner, `${path}.${key}`));
  }
  return [path];
}

describe('the evidence files catalogue', () => {
  it.each(LANGUAGES)('%s has every key English has', (language) => {
    expect(shape(PACKET_MESSAGES[language]).sort()).toEqual(shape(PACKET_MESSAGES.en).sort());
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
