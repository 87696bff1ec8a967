// fontkit ships no types; rebut hands parsed fonts to pdfkit, which calls `layout` on them, and reaches each Latin
// glyph from its own character first (evidence/fonts.ts).
declare module 'fontkit' {
  export interface Font {
    layout(text: string): unknown;
    hasGlyphForCodePoint(codePoint: number): boolean;
    glyphForCodePoint(codePoint: number): unknown;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
