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
