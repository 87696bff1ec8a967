import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { FONT_FILES, type FontName, fontSource } from '../../src/evidence/fonts.js';

interface Subset {
  includeGlyph(id: number): number;
  encode(): Uint8Array;
}

/** Texts whose glyphs make the subsets: Latin with composite accents, Greek, Cyrillic, symbols, digits. */
const TEXTS = [
  'Evidence',
  'Évidence à la façade : ÀÉÎÕÜ ñ ß ø œ æ',
  'Customer 42 paid $129.00 on 2026-09-14 at 10:42 UTC — refund policy v3 “accepted”',
  'Ελληνικά και Кириллица, №5 € £ ¥ ± × ÷ → ✓',
];

describe('font subsets', () => {
  for (const name of Object.keys(FONT_FILES) as FontName[]) {
    it(`are written byte for byte as fontkit writes them (${name})`, () => {
      const shared = fontSource(name) as unknown as fontkit.Font & { createSubset(): Subset };
      // A fresh font, untouched by rebut: fontkit's own subset writer.
      const file = readFileSync(FONT_FILES[name]);
      const plain = fontkit.create(file) as unknown as {
        createSubset(): Subset;
        layout(text: string): { glyphs: { id: number; _decode(): { numberOfContours: number } | null }[] };
      };
      // "É" and "ñ" are composite glyphs (a letter and an accent): their components join the subset as it is written.
      expect(plain.layout('Éñ').glyphs.every((glyph) => (glyph._decode()?.numberOfContours ?? 0) < 0)).toBe(true);
      for (const text of [...TEXTS, TEXTS.join(' ')]) {
        const ids = plain.layout(text).glyphs.map((glyph) => glyph.id);
        const ours = shared.createSubset();
        const theirs = plain.createSubset();
        for (const id of ids) {
          ours.includeGlyph(id);
          theirs.includeGlyph(id);
        }
        const written = ours.encode();
        expect(Object.hasOwn(ours, 'encode')).toBe(true);
        expect(Buffer.from(written).equals(Buffer.from(theirs.encode())), text).toBe(true);
      }
      // Writing a subset copies the tables it changes: the font every document shares is as it was read.
      expect(Buffer.from((shared as unknown as { stream: { buffer: Uint8Array } }).stream.buffer).equals(file)).toBe(
        true,
      );
    });
  }
});
