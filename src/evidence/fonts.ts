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
    font = fontkit.create(readFileSync(FONT_FILES[name])) as unknown as PDFKit.Mixins.PDFFontSource;
    parsed.set(name, font);
  }
  return font;
}
