import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';

/**
 * DejaVu covers Latin, Greek, Cyrillic, Arabic, Hebrew and many symbols, so a customer's
 * name renders as written instead of as empty boxes; the files ship with the npm package.
 */
const ttfDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export const FONT_FILES = {
  regular: join(ttfDir, 'DejaVuSans.ttf'),
  bold: join(ttfDir, 'DejaVuSans-Bold.ttf'),
} as const;

export type FontName = keyof typeof FONT_FILES;

const parsed = new Map<FontName, PDFKit.Mixins.PDFFontSource>();

/**
 * The font parsed once per process. pdfkit parses a font file again for every document, which
 * was 40% of the CPU of building a packet; it also accepts an already parsed fontkit font
 * (since 0.16; its type definitions do not say so yet, hence the cast).
 */
export function fontSource(name: FontName): PDFKit.Mixins.PDFFontSource {
  let font = parsed.get(name);
  if (!font) {
    const created = fontkit.create(readFileSync(FONT_FILES[name]));
    claimCodePoints(created);
    decodeGlyphsOnce(created);
    writeSubsetsDirectly(created);
    font = created as unknown as PDFKit.Mixins.PDFFontSource;
    parsed.set(name, font);
  }
  return font;
}

/** A glyph of fontkit's, as far as the subsetter reads it. */
interface DecodedGlyph {
  _decode(): unknown;
}

/**
 * fontkit's subsetter decodes every glyph it embeds (contours, points, instructions) for every document, though it only
 * reads whether the glyph is composite and its components: most of a packet's font subsetting. The shared font keeps
 * one glyph object per id, so each glyph's decoding is kept with it and read again.
 */
function decodeGlyphsOnce(font: fontkit.Font): void {
  // fontkit has getGlyph; its type definitions do not say so.
  const glyphs = font as unknown as { getGlyph(id: number, codePoints?: number[]): object };
  const getGlyph = glyphs.getGlyph.bind(font);
  const patched = new WeakSet<object>();
  glyphs.getGlyph = (id: number, codePoints?: number[]) => {
    const glyph = getGlyph(id, codePoints);
    const raw = glyph as DecodedGlyph;
    if (!patched.has(glyph) && typeof raw._decode === 'function') {
      const decode = raw._decode.bind(glyph);
      let decoded: unknown;
      let done = false;
      raw._decode = () => {
        if (!done) {
          decoded = decode();
          done = true;
        }
        return decoded;
      };
      patched.add(glyph);
    }
    return glyph;
  };
}

/** Latin (with every French, German and Spanish letter), general punctuation, currency signs. */
const CLAIMED_RANGES: readonly [number, number][] = [
  [0x20, 0x7e],
  [0xa0, 0x24f],
  [0x2010, 0x2044],
  [0x20a0, 0x20bf],
];

/**
 * fontkit keeps one glyph object per glyph id for the life of the (shared) font, with the characters it was first
 * reached from; pdfkit writes those as the text a reader copies or searches (ToUnicode). Shaping "É" reaches the "E"
 * glyph through a decomposition first, and every later file's "E" was then read back wrong ("vidence" for
 * "Evidence"). Reaching each glyph from its own character first keeps every document's text true.
 */
function claimCodePoints(font: fontkit.Font): void {
  for (const [from, to] of CLAIMED_RANGES) {
    for (let codePoint = from; codePoint <= to; codePoint++) {
      if (font.hasGlyphForCodePoint(codePoint)) font.glyphForCodePoint(codePoint);
    }
  }
}

/** What the subset writer reads of a TrueType font of fontkit's (its type definitions do not say so). */
interface TrueTypeFont {
  stream: { buffer: Uint8Array };
  directory: { tables: Record<string, { offset: number; length: number } | undefined> };
  loca: { version: number; offsets: number[] };
  _variationProcessor?: unknown;
  createSubset(): GlyphSubset;
  getGlyph(id: number): {
    advanceWidth: number;
    _getMetrics(): { leftBearing: number };
    _decode(): { numberOfContours: number; components?: { glyphID: number; pos: number }[] } | null;
  };
}

/** fontkit's subset of a font: the glyph ids in the order the document used them, with what pdfkit calls. */
interface GlyphSubset {
  glyphs: number[];
  includeGlyph(id: number): number;
  encode(): Uint8Array;
}

/**
 * fontkit writes a subset through its generic struct encoder, a number at a time: 5 ms of the packet thread's CPU a
 * case (README → Benchmarks). The same file is written here from the font's own table bytes, byte for byte what
 * fontkit writes (test/unit/fonts.test.ts). CFF and variable fonts keep fontkit's encoder.
 */
function writeSubsetsDirectly(font: fontkit.Font): void {
  const trueType = font as unknown as TrueTypeFont;
  if (!trueType.directory.tables.glyf || trueType._variationProcessor) return;
  const createSubset = trueType.createSubset.bind(trueType);
  trueType.createSubset = () => {
    const subset = createSubset();
    subset.encode = () => encodeTrueTypeSubset(trueType, subset);
    return subset;
  };
}

/**
 * The tables a PDF reader takes from an embedded TrueType font, in fontkit's order: head, hhea, loca, maxp, cvt, prep,
 * glyf, hmtx, fpgm (those the font has), after a directory with zero checksums as fontkit writes it. A composite
 * glyph's components join the subset as they are met, so the glyph list may grow while it is read.
 */
function encodeTrueTypeSubset(font: TrueTypeFont, subset: GlyphSubset): Uint8Array {
  const source = font.stream.buffer;
  const table = (tag: string): Uint8Array | undefined => {
    const entry = font.directory.tables[tag];
    // A plain view (a Buffer's slice would share, not copy, where a table is copied below).
    return entry ? new Uint8Array(source.buffer, source.byteOffset + entry.offset, entry.length) : undefined;
  };
  const glyf = table('glyf') ?? new Uint8Array();
  const glyphs: Uint8Array[] = [];
  const metrics: number[] = [];
  for (let i = 0; i < subset.glyphs.length; i++) {
    const id = subset.glyphs[i] ?? 0;
    const glyph = font.getGlyph(id);
    const decoded = glyph._decode();
    let bytes = glyf.subarray(font.loca.offsets[id], font.loca.offsets[id + 1]);
    if (decoded && decoded.numberOfContours < 0) {
      bytes = new Uint8Array(bytes);
      const view = new DataView(bytes.buffer);
      for (const component of decoded.components ?? []) {
        view.setUint16(component.pos, subset.includeGlyph(component.glyphID));
      }
    }
    glyphs.push(bytes);
    metrics.push(glyph.advanceWidth, glyph._getMetrics().leftBearing);
  }
  const count = glyphs.length;
  const long = font.loca.version === 1;
  const loca = new DataView(new ArrayBuffer((count + 1) * (long ? 4 : 2)));
  let offset = 0;
  for (let i = 0; i <= count; i++) {
    if (long) loca.setUint32(i * 4, offset);
    else loca.setUint16(i * 2, offset >>> 1);
    offset += glyphs[i]?.byteLength ?? 0;
  }
  const hmtx = new DataView(new ArrayBuffer(count * 4));
  for (let i = 0; i < count; i++) {
    hmtx.setUint16(i * 4, metrics[i * 2] ?? 0);
    hmtx.setInt16(i * 4 + 2, metrics[i * 2 + 1] ?? 0);
  }
  const patched = (tag: string, at: number, value: number): Uint8Array | undefined => {
    const own = table(tag);
    const bytes = own && new Uint8Array(own);
    if (bytes) new DataView(bytes.buffer).setUint16(at, value);
    return bytes;
  };
  const tables: [string, Uint8Array[]][] = [];
  const add = (tag: string, ...parts: (Uint8Array | undefined)[]) => {
    if (parts.every((part) => part !== undefined)) tables.push([tag, parts as Uint8Array[]]);
  };
  add('head', patched('head', 50, font.loca.version)); // indexToLocFormat
  add('hhea', patched('hhea', 34, count)); // numberOfHMetrics
  add('loca', new Uint8Array(loca.buffer));
  add('maxp', patched('maxp', 4, count)); // numGlyphs
  add('cvt ', table('cvt '));
  add('prep', table('prep'));
  add('glyf', ...glyphs);
  add('hmtx', new Uint8Array(hmtx.buffer));
  add('fpgm', table('fpgm'));

  const lengths = tables.map(([, parts]) => parts.reduce((sum, part) => sum + part.byteLength, 0));
  const directory = 12 + 16 * tables.length;
  const file = new Uint8Array(directory + lengths.reduce((sum, length) => sum + length, 0));
  const view = new DataView(file.buffer);
  const power = 2 ** Math.floor(Math.log2(tables.length));
  file.set([0x74, 0x72, 0x75, 0x65]); // 'true'
  view.setUint16(4, tables.length);
  view.setUint16(6, power * 16);
  view.setUint16(8, Math.log2(power));
  view.setUint16(10, tables.length * 16 - power * 16);
  let at = directory;
  tables.forEach(([tag, parts], index) => {
    const record = 12 + index * 16;
    for (let c = 0; c < 4; c++) view.setUint8(record + c, tag.charCodeAt(c));
    view.setUint32(record + 8, at);
    view.setUint32(record + 12, lengths[index] ?? 0);
    for (const part of parts) {
      file.set(part, at);
      at += part.byteLength;
    }
  });
  return file;
}
