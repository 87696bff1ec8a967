// fontkit ships no types; rebut only hands parsed fonts to pdfkit, which calls `layout` on them.
declare module 'fontkit' {
  export interface Font {
    layout(text: string): unknown;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
