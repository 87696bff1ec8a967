/**
 * Shared by the evidence packet tests: a factory for packet input, real noisy PNGs that do not
 * compress away, and a small independent PDF reader (objects, pages, fonts, text) so the tests
 * check the produced files themselves rather than what the builder says about them.
 */
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { PacketDeliverable, PacketInput } from '../../src/evidence/packet/index.js';
import type { Fact } from '../../src/evidence/types.js';

/** A PNG of random pixels (xorshift, so runs are repeatable); at 1000×700 it weighs about 2.2 MB. */
export async function noisyPng(width: number, height: number, seed: number): Promise<Uint8Array> {
  const raw = Buffer.alloc(width * height * 3);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < raw.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    raw[i] = x & 255;
  }
  const png = await sharp(raw, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  return new Uint8Array(png);
}

const START = Date.parse('2026-01-01T00:00:00Z');
export const minutesAfterStart = (minutes: number): string => new Date(START + minutes * 60_000).toISOString();

export function activityFacts(count: number, everyMinutes = 30): Fact[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `sql.activity.${i + 1}`,
    kind: 'activity' as const,
    text: `${minutesAfterStart(i * everyMinutes).slice(0, 16)} UTC: ${i % 3 ? 'design.generated' : 'login'} from IP 203.0.113.${i % 250}.`,
    at: minutesAfterStart(i * everyMinutes),
    source: 'sql',
    data: {
      event: i % 3 ? 'design.generated' : 'login',
      ip: `203.0.113.${i % 250}`,
      user_agent: 'Mozilla/5.0 (Macintosh)',
    },
  }));
}

export function deliverables(count: number, images: readonly Uint8Array[] = []): PacketDeliverable[] {
  return Array.from({ length: count }, (_, i) => {
    const bytes = images.length > 0 ? images[i % images.length] : undefined;
    return {
      title: `Logo design ${i + 1}`,
      at: minutesAfterStart(1_500 + i * 30),
      ...(bytes ? { image: { bytes, contentType: 'image/png' } } : {}),
    };
  });
}

/** The facts the business's source records for `deliverables(count)`: what the cover's points are built from. */
export function deliverableFacts(count: number): Fact[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `sql.deliverable.d${i + 1}`,
    kind: 'deliverable' as const,
    text: `Logo design ${i + 1} was delivered in the web app.`,
    at: minutesAfterStart(1_500 + i * 30),
    source: 'sql',
    data: { title: `Logo design ${i + 1}` },
  }));
}

/** A product-not-received dispute with a little of everything; override what a test is about. */
export function packetInput(overrides: Partial<PacketInput> = {}): PacketInput {
  const activity = overrides.activity ?? activityFacts(40);
  const charge: Fact = {
    id: 'stripe.charge',
    kind: 'charge',
    text: 'The customer paid $49.00 with a Visa card ending 4242.',
    at: minutesAfterStart(1_440),
    source: 'stripe',
    data: { amount: 4900 },
  };
  const facts: Fact[] = [
    charge,
    {
      id: 'stripe.cvc',
      kind: 'payment_check',
      text: 'The CVC check passed.',
      at: minutesAfterStart(1_440),
      source: 'stripe',
    },
    {
      id: 'sql.account',
      kind: 'account',
      text: 'Account 42 was opened on 2025-12-31.',
      at: minutesAfterStart(-60),
      source: 'sql',
    },
    {
      id: 'sql.policy_acceptance.1',
      kind: 'policy_acceptance',
      text: 'The customer accepted the refund policy at checkout.',
      at: minutesAfterStart(1_439),
      source: 'sql',
      data: { policy: 'refund' },
    },
    ...activity,
  ];
  facts.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
  return {
    dispute: {
      id: 'du_1TestPacket',
      reason: 'product_not_received',
      amount: 4900,
      currency: 'usd',
      cardBrand: 'visa',
      created: minutesAfterStart(20_000),
    },
    business: {
      name: 'Pixel Forge Ltd',
      productDescription: 'AI-generated logo designs, delivered as PNG files in the web app.',
      supportEmail: 'help@pixelforge.example',
      website: 'https://www.pixelforge.example/pricing',
    },
    textFields: {
      product_description: 'AI-generated logo designs.',
      customer_name: 'Jo Bloggs',
      access_activity_log: 'The customer signed in 40 times after paying.',
    },
    timeline: facts,
    activity,
    deliverables: deliverables(3),
    receipt: [charge],
    policies: [
      {
        kind: 'refund',
        title: 'Refund policy',
        text: 'Designs can be refunded within 14 days unless downloaded.',
        shownAt: 'checkout page',
      },
    ],
    fileFields: ['service_documentation', 'receipt', 'refund_policy', 'customer_communication'],
    communications: [
      {
        id: 'sql.communication.1',
        kind: 'communication',
        text: '2026-01-03 10:00 UTC: the customer wrote by email: "Thanks, the logos look great."',
        at: minutesAfterStart(3_000),
        source: 'sql',
        untrusted: true,
        data: { direction: 'inbound', channel: 'email' },
      },
    ],
    ...overrides,
  };
}

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

export interface PdfPage {
  mediaBox: number[];
  fontSizes: number[];
  text: string;
  imageCount: number;
}

export interface ParsedPdf {
  pages: PdfPage[];
  /** `/Count` of the page tree root. */
  declaredPages: number;
  fonts: { baseFont: string; embedded: boolean }[];
  /** Annotations (links are annotations) anywhere in the file. */
  annotations: number;
  /** Every image embedded in the file (an image drawn twice is one), with its size in pixels. */
  images: { width: number; height: number }[];
  text: string;
}

/** Control and format characters (bidi overrides, zero-width, BOM) other than the newline. */
export function hasInvisibleCharacters(text: string): boolean {
  return /[\p{Cf}]|(?!\n)\p{Cc}/u.test(text);
}

/** Reads what pdfkit writes: plain object dictionaries, Flate streams, Identity-H fonts with ToUnicode maps. */
export function parsePdf(bytes: Uint8Array): ParsedPdf {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const source = buffer.toString('latin1');
  if (!source.startsWith('%PDF-')) throw new Error('not a PDF');
  const objects = new Map<number, PdfObject>();
  const objectPattern = /(\d+) 0 obj\n/g;
  for (let match = objectPattern.exec(source); match; match = objectPattern.exec(source)) {
    const start = match.index + match[0].length;
    const end = source.indexOf('\nendobj', start);
    const body = source.slice(start, end);
    const streamAt = body.indexOf('stream\n');
    if (streamAt === -1) {
      objects.set(Number(match[1]), { dict: body, stream: null });
      continue;
    }
    const dict = body.slice(0, streamAt);
    const length = Number(dict.match(/\/Length (\d+)/)?.[1] ?? 0);
    const raw = buffer.subarray(start + streamAt + 7, start + streamAt + 7 + length);
    objects.set(Number(match[1]), { dict, stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw });
    objectPattern.lastIndex = start + streamAt + 7 + length;
  }
  const ref = (dict: string, key: string) => Number(dict.match(new RegExp(`/${key} (\\d+) 0 R`))?.[1] ?? -1);
  const toUnicode = new Map<number, Map<number, string>>();
  const unicodeOf = (fontObject: number): Map<number, string> => {
    let map = toUnicode.get(fontObject);
    if (map) return map;
    map = new Map();
    const cmap = objects.get(ref(objects.get(fontObject)?.dict ?? '', 'ToUnicode'))?.stream?.toString('latin1') ?? '';
    for (const range of cmap.matchAll(/<([0-9a-f]+)> <([0-9a-f]+)> \[([^\]]*)\]/gi)) {
      const first = Number.parseInt(range[1] ?? '0', 16);
      const entries = [...(range[3] ?? '').matchAll(/<([0-9a-f ]+)>/gi)].map((e) =>
        String.fromCharCode(...(e[1] ?? '').split(' ').map((h) => Number.parseInt(h, 16))),
      );
      for (const [i, text] of entries.entries()) map.set(first + i, text);
    }
    toUnicode.set(fontObject, map);
    return map;
  };

  const pages: PdfPage[] = [];
  for (const [, object] of objects) {
    if (!/\/Type \/Page(?![s\w])/.test(object.dict)) continue;
    const mediaBox = (object.dict.match(/\/MediaBox \[([^\]]+)\]/)?.[1] ?? '').trim().split(/\s+/).map(Number);
    const resources = objects.get(ref(object.dict, 'Resources'))?.dict ?? '';
    const fontRefs = new Map(
      [...(resources.match(/\/Font <<([^>]*)>>/)?.[1] ?? '').matchAll(/\/(F\d+) (\d+) 0 R/g)].map((m) => [
        m[1],
        Number(m[2]),
      ]),
    );
    const content = objects.get(ref(object.dict, 'Contents'))?.stream?.toString('latin1') ?? '';
    // Each drawing of an image is a `Do` of an XObject; one image drawn twice is embedded once.
    const imageCount = (content.match(/\/I\d+ Do/g) ?? []).length;
    const fontSizes: number[] = [];
    let font = -1;
    let text = '';
    for (const token of content.matchAll(/\/(F\d+) ([\d.]+) Tf|\[([^\]]*)\] TJ|(\d[\d.]* [\d.-]+ Tm)/g)) {
      if (token[1]) {
        font = fontRefs.get(token[1]) ?? -1;
        fontSizes.push(Number(token[2]));
      } else if (token[3] !== undefined) {
        const map = unicodeOf(font);
        for (const hex of token[3].matchAll(/<([0-9a-f]*)>/gi)) {
          for (let i = 0; i + 4 <= (hex[1] ?? '').length; i += 4)
            text += map.get(Number.parseInt((hex[1] ?? '').slice(i, i + 4), 16)) ?? '';
        }
      } else if (token[4]) {
        text += '\n';
      }
    }
    pages.push({ mediaBox, fontSizes, text, imageCount });
  }
  const fonts = [...objects.values()]
    .filter((o) => /\/Type \/Font\b/.test(o.dict) && !/\/Subtype \/Type0/.test(o.dict))
    .map((o) => {
      const descriptor = objects.get(ref(o.dict, 'FontDescriptor'))?.dict ?? '';
      return {
        baseFont: o.dict.match(/\/BaseFont \/(\S+)/)?.[1] ?? '',
        embedded: /\/FontFile[23]? \d+ 0 R/.test(descriptor),
      };
    });
  const root = [...objects.values()].find((o) => /\/Type \/Pages\b/.test(o.dict))?.dict ?? '';
  return {
    pages,
    declaredPages: Number(root.match(/\/Count (\d+)/)?.[1] ?? -1),
    fonts,
    annotations: (source.match(/\/Annots|\/Subtype \/Link|\/URI/g) ?? []).length,
    images: [...objects.values()]
      .filter((o) => /\/Subtype \/Image\b/.test(o.dict))
      .map((o) => ({
        width: Number(o.dict.match(/\/Width (\d+)/)?.[1] ?? 0),
        height: Number(o.dict.match(/\/Height (\d+)/)?.[1] ?? 0),
      })),
    text: pages.map((p) => p.text).join('\n'),
  };
}
