/**
 * A page of a PDF as a PNG, for the demo's output and the README: what an issuer's analyst sees when the file opens.
 * pdfjs-dist draws the page as a browser would, onto @napi-rs/canvas; both are dev dependencies, so this lives in the
 * sandbox, never in src/. pdfjs's legacy build is the one meant for Node (no DOM, no web worker).
 */
import { createCanvas } from '@napi-rs/canvas';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** 1.5 × 72 dpi: a letter page at 918 × 1188 pixels, sharp enough to read at 12 pt. */
const SCALE = 1.5;

/** Page `page` (1-based) of `pdf`, rendered to PNG bytes. */
export async function pdfPageToPng(pdf: Uint8Array, page = 1): Promise<Uint8Array> {
  // pdfjs takes ownership of the buffer it is given (it may transfer it): a copy keeps the caller's bytes whole.
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false }).promise;
  try {
    const pdfPage = await document.getPage(page);
    const viewport = pdfPage.getViewport({ scale: SCALE });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext('2d');
    // A PDF page is transparent where nothing is drawn; an image viewer would show that as black or a checkerboard.
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    // pdfjs's types name the DOM's canvas; @napi-rs/canvas implements the part of it pdfjs uses.
    const target = { canvas, canvasContext: context, viewport } as unknown as Parameters<typeof pdfPage.render>[0];
    await pdfPage.render(target).promise;
    return new Uint8Array(canvas.toBuffer('image/png'));
  } finally {
    await document.destroy();
  }
}
