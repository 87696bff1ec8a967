/**
 * A small page-layout engine over pdfkit. Layout is done here, line by line, before anything
 * is drawn: each page is a list of placed items, so the page count is known while laying out
 * (the budget needs it before deciding what to keep) and drawing never breaks a page by itself.
 */
import PDFDocument from 'pdfkit';
import { type FontName, fontSource } from '../fonts.js';

// pdfkit has these, @types/pdfkit omits them: an opened image is embedded once however often it is drawn.
declare global {
  namespace PDFKit.Mixins {
    interface OpenedImage {
      width: number;
      height: number;
    }
    interface PDFImage {
      openImage(src: Buffer): OpenedImage;
      image(src: OpenedImage, x?: number, y?: number, options?: ImageOption): this;
    }
  }
}

export interface TextStyle {
  font: FontName;
  /** Points; Stripe asks for 12 pt or more, so nothing here is smaller. */
  size: number;
}

export const STYLES = {
  title: { font: 'bold', size: 20 },
  heading: { font: 'bold', size: 16 },
  subheading: { font: 'bold', size: 13 },
  body: { font: 'regular', size: 12 },
  strong: { font: 'bold', size: 12 },
} as const satisfies Record<string, TextStyle>;

export const MIN_FONT_SIZE = 12;

/** US Letter portrait, ¾-inch margins; the footer sits below the content area. */
export const FRAME = {
  width: 612,
  height: 792,
  left: 54,
  top: 54,
  right: 612 - 54,
  bottom: 792 - 66,
  footerY: 792 - 48,
} as const;
export const CONTENT_WIDTH = FRAME.right - FRAME.left;

const LEADING = 1.3;
const PARAGRAPH_GAP = 4;
const CELL_PAD = 3;
const COLUMN_GAP = 8;
const TEXT_COLOR = '#111111';
const MUTED_COLOR = '#555555';
const RULE_COLOR = '#bbbbbb';

export function lineHeight(style: TextStyle): number {
  return style.size * LEADING;
}

export function createDocument(info: { title: string; author: string; createdAt?: Date }): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'LETTER',
    layout: 'portrait',
    margin: 0,
    autoFirstPage: false,
    // The default would be Helvetica, which is not embedded; starting on DejaVu keeps every font embedded.
    // pdfkit passes this straight to font(), which takes a parsed font; its types say string only.
    font: fontSource('regular') as unknown as string,
    // pdfkit dates a document by the clock and derives its file id from that date: given a date, the bytes are
    // a function of the content.
    info: {
      Title: info.title,
      Author: info.author,
      Creator: 'rebut',
      Producer: 'rebut',
      ...(info.createdAt ? { CreationDate: info.createdAt } : {}),
    },
  });
  // Registered under their PostScript names, font() calls hit pdfkit's cache: under any other
  // name pdfkit reopens the font and compares it with the default (serialising its name table) every call.
  for (const name of ['regular', 'bold'] as const) {
    doc.registerFont(PDF_FONT[name], fontSource(name));
    shareLayoutCache(doc.font(PDF_FONT[name]), name);
  }
  doc.font(PDF_FONT.regular);
  return doc;
}

/**
 * pdfkit shapes every word with fontkit (OpenType substitution and positioning, the larger part of
 * a packet's CPU) and caches the result per document. A word's shape depends only on the font, so one
 * cache per font serves every document. pdfkit keeps it as `layoutCache` on its font object, which the
 * type definitions leave out; a cache past `LAYOUT_CACHE_WORDS` starts again empty.
 */
type LayoutCache = Record<string, unknown>;
const layoutCaches = new Map<FontName, { cache: LayoutCache; documents: number }>();
const LAYOUT_CACHE_WORDS = 50_000;

function shareLayoutCache(doc: PDFKit.PDFDocument, name: FontName): void {
  const font = (doc as unknown as { _font?: { layoutCache?: LayoutCache } })._font;
  if (!font?.layoutCache) return; // fontLayoutCache turned off: leave it off
  let shared = layoutCaches.get(name);
  // Counting the words costs a walk over the cache, so it is done every 64th document.
  if (!shared || (++shared.documents % 64 === 0 && Object.keys(shared.cache).length > LAYOUT_CACHE_WORDS)) {
    shared = { cache: Object.create(null) as LayoutCache, documents: 0 };
    layoutCaches.set(name, shared);
  }
  font.layoutCache = shared.cache;
}

/** The fonts' PostScript names, which pdfkit files them under. */
const PDF_FONT: Record<FontName, string> = { regular: 'DejaVuSans', bold: 'DejaVuSans-Bold' };

/** Widths by style and text, shared by every packet: a width depends on nothing else. */
const measuredWidths = new Map<string, number>();

/** Measures and wraps text with the same fonts the documents are drawn with. */
export class Measurer {
  private readonly doc = createDocument({ title: 'measure', author: 'rebut' });
  private readonly wrapped = new Map<string, string[]>();

  width(text: string, style: TextStyle): number {
    const key = `${style.font}${style.size}\u0000${text}`;
    let width = measuredWidths.get(key);
    if (width === undefined) {
      width = this.doc.font(PDF_FONT[style.font]).fontSize(style.size).widthOfString(text);
      if (measuredWidths.size >= LAYOUT_CACHE_WORDS) measuredWidths.clear();
      measuredWidths.set(key, width);
    }
    return width;
  }

  /** Greedy word wrap; a word wider than the line is broken between characters. */
  wrap(text: string, style: TextStyle, maxWidth: number): string[] {
    const key = `${style.font}${style.size}/${maxWidth}\u0000${text}`;
    let lines = this.wrapped.get(key);
    if (!lines) {
      lines = this.wrapUncached(text, style, maxWidth);
      this.wrapped.set(key, lines);
    }
    return lines;
  }

  private wrapUncached(text: string, style: TextStyle, maxWidth: number): string[] {
    const lines: string[] = [];
    const space = this.width(' ', style);
    for (const paragraph of text.split('\n')) {
      let line = '';
      let lineWidth = 0;
      for (const word of paragraph.split(' ')) {
        if (word === '') continue;
        const wordWidth = this.width(word, style);
        if (line !== '' && lineWidth + space + wordWidth <= maxWidth) {
          line += ` ${word}`;
          lineWidth += space + wordWidth;
          continue;
        }
        if (line !== '') lines.push(line);
        if (wordWidth <= maxWidth) {
          line = word;
          lineWidth = wordWidth;
          continue;
        }
        line = '';
        lineWidth = 0;
        for (const char of word) {
          const charWidth = this.width(char, style);
          if (line !== '' && lineWidth + charWidth > maxWidth) {
            lines.push(line);
            line = '';
            lineWidth = 0;
          }
          line += char;
          lineWidth += charWidth;
        }
      }
      lines.push(line);
    }
    return lines;
  }
}

export type PageItem =
  | { kind: 'text'; x: number; y: number; text: string; style: TextStyle; muted?: boolean }
  | { kind: 'rule'; x: number; y: number; width: number }
  | { kind: 'image'; key: string; x: number; y: number; width: number; height: number };

export type ComposedPage = PageItem[];

export interface Column {
  title: string;
  width: number;
  style?: TextStyle;
}

/** A table row: its cells, or a full-width note such as "… 57 rows not shown …" (muted) or a group's heading (strong). */
export type Row = { cells: string[]; marks?: readonly string[] } | { note: string; strong?: boolean };

export interface ParagraphOptions {
  style?: TextStyle;
  indent?: number;
  muted?: boolean;
  /** Lines beyond this are cut, the last one ending in "…". */
  maxLines?: number;
  /** Stop at the bottom of the page instead of continuing on a new one (for one-page summaries). */
  noBreak?: boolean;
}

/** Places text, tables and images on pages, top to bottom; a new page starts when the next line does not fit. */
export class Composer {
  readonly pages: ComposedPage[] = [];
  /** The page (1-based, in this composer) each marked table row landed on: where the cover finds a fact's proof. */
  readonly marks = new Map<string, number>();
  private y: number = FRAME.top;

  constructor(readonly measure: Measurer) {}

  get pageCount(): number {
    return this.pages.length;
  }

  /** Space left on the current page. */
  get remaining(): number {
    return this.pages.length === 0 ? FRAME.bottom - FRAME.top : FRAME.bottom - this.y;
  }

  newPage(): void {
    this.pages.push([]);
    this.y = FRAME.top;
  }

  space(height: number): void {
    this.y = Math.min(this.y + height, FRAME.bottom);
  }

  /** Starts a new page unless `height` fits on the current one. */
  ensure(height: number): void {
    if (this.pages.length === 0 || this.y + height > FRAME.bottom + 0.01) this.newPage();
  }

  private place(item: PageItem): void {
    if (this.pages.length === 0) this.newPage();
    this.pages[this.pages.length - 1]?.push(item);
  }

  /** Height the paragraph would take, for deciding before placing. */
  heightOf(text: string, options: ParagraphOptions = {}): number {
    const style = options.style ?? STYLES.body;
    const lines = this.linesOf(text, style, CONTENT_WIDTH - (options.indent ?? 0), options.maxLines);
    return lines.length * lineHeight(style) + PARAGRAPH_GAP;
  }

  heading(text: string, style: TextStyle = STYLES.heading): void {
    const lines = this.linesOf(text, style, CONTENT_WIDTH, 2);
    // Keep a heading with at least two lines of what follows.
    this.ensure(lines.length * lineHeight(style) + 2 * lineHeight(STYLES.body) + PARAGRAPH_GAP * 2);
    if (this.y > FRAME.top) this.y += PARAGRAPH_GAP * 2;
    for (const line of lines) {
      this.place({ kind: 'text', x: FRAME.left, y: this.y, text: line, style });
      this.y += lineHeight(style);
    }
    this.y += PARAGRAPH_GAP;
  }

  /** Returns false when `noBreak` stopped it at the bottom of the page. */
  paragraph(text: string, options: ParagraphOptions = {}): boolean {
    const style = options.style ?? STYLES.body;
    const indent = options.indent ?? 0;
    const height = lineHeight(style);
    for (const line of this.linesOf(text, style, CONTENT_WIDTH - indent, options.maxLines)) {
      if (options.noBreak && this.pages.length > 0 && this.y + height > FRAME.bottom) return false;
      this.ensure(height);
      if (line !== '') {
        this.place({ kind: 'text', x: FRAME.left + indent, y: this.y, text: line, style, muted: options.muted });
      }
      this.y += height;
    }
    this.y += PARAGRAPH_GAP;
    return true;
  }

  /** Label in bold on the left, value wrapped beside it. */
  field(label: string, value: string, labelWidth = 130): void {
    const height = lineHeight(STYLES.body);
    const lines = this.linesOf(value, STYLES.body, CONTENT_WIDTH - labelWidth, 6);
    this.ensure(height * Math.min(lines.length, 2));
    this.place({ kind: 'text', x: FRAME.left, y: this.y, text: label, style: STYLES.strong });
    for (const line of lines) {
      this.ensure(height);
      this.place({ kind: 'text', x: FRAME.left + labelWidth, y: this.y, text: line, style: STYLES.body });
      this.y += height;
    }
  }

  /** Rows never split across pages; the header repeats on every page the table reaches. */
  table(columns: readonly Column[], rows: readonly Row[], maxCellLines = 6): void {
    const height = lineHeight(STYLES.body);
    const header = () => {
      const titles = columns.map((c) => this.linesOf(c.title, STYLES.strong, c.width, 2));
      const rowHeight = Math.max(...titles.map((t) => t.length)) * height + CELL_PAD * 2;
      let x = FRAME.left;
      columns.forEach((column, i) => {
        (titles[i] ?? []).forEach((line, n) => {
          this.place({ kind: 'text', x, y: this.y + CELL_PAD + n * height, text: line, style: STYLES.strong });
        });
        x += column.width + COLUMN_GAP;
      });
      this.y += rowHeight;
      this.place({ kind: 'rule', x: FRAME.left, y: this.y, width: CONTENT_WIDTH });
    };
    this.ensure(height * 4);
    header();
    for (const row of rows) {
      const cells =
        'note' in row
          ? [this.linesOf(row.note, row.strong ? STYLES.strong : STYLES.body, CONTENT_WIDTH, maxCellLines)]
          : columns.map((c, i) => this.linesOf(row.cells[i] ?? '', c.style ?? STYLES.body, c.width, maxCellLines));
      const rowHeight = Math.max(1, ...cells.map((c) => c.length)) * height + CELL_PAD * 2;
      if (this.y + rowHeight > FRAME.bottom) {
        this.newPage();
        header();
      }
      if ('cells' in row)
        for (const mark of row.marks ?? []) if (!this.marks.has(mark)) this.marks.set(mark, this.pages.length);
      let x = FRAME.left;
      cells.forEach((lines, i) => {
        const style = 'note' in row ? (row.strong ? STYLES.strong : STYLES.body) : (columns[i]?.style ?? STYLES.body);
        lines.forEach((line, n) => {
          const y = this.y + CELL_PAD + n * height;
          this.place({ kind: 'text', x, y, text: line, style, muted: 'note' in row && !row.strong });
        });
        x += (columns[i]?.width ?? 0) + COLUMN_GAP;
      });
      this.y += rowHeight;
      this.place({ kind: 'rule', x: FRAME.left, y: this.y, width: CONTENT_WIDTH });
    }
    this.y += PARAGRAPH_GAP * 2;
  }

  /** An image fitted into a slot of the content width and `slotHeight`, its caption right below it. */
  image(key: string, caption: string, slotHeight: number, aspect: number | null): void {
    const height = lineHeight(STYLES.body);
    const captionLines = this.linesOf(caption, STYLES.body, CONTENT_WIDTH, 2);
    const imageHeight = slotHeight - captionLines.length * height - PARAGRAPH_GAP * 4;
    this.ensure(slotHeight);
    const shown = aspect ? Math.min(imageHeight, CONTENT_WIDTH / aspect) : imageHeight;
    this.place({ kind: 'image', key, x: FRAME.left, y: this.y, width: CONTENT_WIDTH, height: shown });
    this.y += shown + PARAGRAPH_GAP;
    for (const line of captionLines) {
      this.place({ kind: 'text', x: FRAME.left, y: this.y, text: line, style: STYLES.body });
      this.y += height;
    }
    this.y += PARAGRAPH_GAP * 3;
  }

  /**
   * A small image on the left (fitted into `width` × `height`, its aspect kept) with paragraphs beside it; the next
   * item starts below whichever is taller. Text beyond the image's height is cut with "…".
   */
  figure(key: string, width: number, height: number, paragraphs: readonly { text: string; style?: TextStyle }[]): void {
    const line = lineHeight(STYLES.body);
    this.ensure(height);
    const top = this.y;
    this.place({ kind: 'image', key, x: FRAME.left, y: top, width, height });
    const x = FRAME.left + width + FIGURE_GAP;
    const textWidth = CONTENT_WIDTH - width - FIGURE_GAP;
    let y = top;
    let room = Math.max(1, Math.floor(height / line));
    for (const paragraph of paragraphs) {
      if (room <= 0) break;
      const style = paragraph.style ?? STYLES.body;
      const lines = this.linesOf(paragraph.text, style, textWidth, room);
      for (const text of lines) {
        this.place({ kind: 'text', x, y, text, style });
        y += lineHeight(style);
      }
      room -= lines.length;
      y += PARAGRAPH_GAP;
    }
    this.y = Math.max(top + height, y) + PARAGRAPH_GAP;
  }

  private linesOf(text: string, style: TextStyle, width: number, maxLines?: number): string[] {
    const lines = this.measure.wrap(text, style, width);
    if (maxLines === undefined || lines.length <= maxLines) return lines;
    const kept = lines.slice(0, maxLines);
    const last = kept[maxLines - 1] ?? '';
    let cut = last;
    while (cut !== '' && this.measure.width(`${cut}…`, style) > width) cut = Array.from(cut).slice(0, -1).join('');
    kept[maxLines - 1] = `${cut}…`;
    return kept;
  }
}

/** Between a figure's image and the text beside it. */
const FIGURE_GAP = 14;

/** Height of one of two image slots on a page. */
export const HALF_PAGE_SLOT = (FRAME.bottom - FRAME.top) / 2;

export interface RenderOptions {
  title: string;
  author: string;
  /** Drawn at the foot of every page, with "page n of N". */
  footer: string;
  /** "page n of N" in the file's language; English when not given. */
  pageOf?: (page: number, pages: number) => string;
  /** JPEG or PNG bytes by image key; an image item without bytes is left blank (used to measure the rest). */
  images?: ReadonlyMap<string, Uint8Array>;
  /** The document's creation date (and so its file id); default now. */
  createdAt?: Date;
}

/** Draws composed pages into a PDF. Resolves with the bytes and the number of pages pdfkit made. */
export function renderPdf(
  pages: readonly ComposedPage[],
  options: RenderOptions,
): Promise<{ bytes: Uint8Array; pages: number }> {
  const doc = createDocument({ title: options.title, author: options.author, createdAt: options.createdAt });
  const chunks: Buffer[] = [];
  let pageCount = 0;
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  doc.on('pageAdded', () => {
    pageCount += 1;
  });
  const done = new Promise<{ bytes: Uint8Array; pages: number }>((resolve, reject) => {
    doc.on('end', () => resolve({ bytes: new Uint8Array(Buffer.concat(chunks)), pages: pageCount }));
    doc.on('error', reject);
  });
  const opened = new Map<string, PDFKit.Mixins.OpenedImage>();
  const pageOf = options.pageOf ?? ((page: number, count: number) => `page ${page} of ${count}`);
  const footer = footerFront(doc, options.footer, pageOf, pages.length);

  pages.forEach((items, index) => {
    doc.addPage({ size: 'LETTER', layout: 'portrait', margin: 0 });
    // pdfkit writes a colour into the page at every call: each page sets its colours once, and again on a change.
    let fill: string | null = null;
    let ruled = false;
    for (const item of items) {
      if (item.kind === 'text') {
        const colour = item.muted ? MUTED_COLOR : TEXT_COLOR;
        if (colour !== fill) doc.fillColor(colour);
        fill = colour;
        doc
          .font(PDF_FONT[item.style.font])
          .fontSize(item.style.size)
          .text(item.text, item.x, item.y, { lineBreak: false });
      } else if (item.kind === 'rule') {
        if (!ruled) doc.lineWidth(0.5).strokeColor(RULE_COLOR);
        ruled = true;
        doc
          .moveTo(item.x, item.y)
          .lineTo(item.x + item.width, item.y)
          .stroke();
      } else {
        const bytes = options.images?.get(item.key);
        if (!bytes) continue;
        let image = opened.get(item.key);
        if (!image) {
          image = doc.openImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          opened.set(item.key, image);
        }
        doc.image(image, item.x, item.y, {
          fit: [item.width, item.height],
          align: 'center',
          valign: 'center',
        });
      }
    }
    doc.font(PDF_FONT.regular).fontSize(MIN_FONT_SIZE).fillColor(MUTED_COLOR);
    doc.text(`${footer} · ${pageOf(index + 1, pages.length)}`, FRAME.left, FRAME.footerY, { lineBreak: false });
  });
  doc.end();
  return done;
}

/**
 * The front of every page's footer ("… · page 3 of 12"): `text`, shortened with "…" until it fits the content width
 * beside the document's widest page label, so every page cuts it alike. The longest that fits is found by bisection.
 */
function footerFront(
  doc: PDFKit.PDFDocument,
  text: string,
  pageOf: (page: number, pages: number) => string,
  pages: number,
): string {
  doc.font(PDF_FONT.regular).fontSize(MIN_FONT_SIZE);
  const widest = Math.max(
    ...Array.from({ length: Math.max(1, pages) }, (_, index) => doc.widthOfString(` · ${pageOf(index + 1, pages)}`)),
  );
  const chars = Array.from(text);
  const front = (keep: number) => (keep < chars.length ? `${chars.slice(0, keep).join('').trimEnd()}…` : text);
  const fits = (keep: number) => doc.widthOfString(front(keep)) + widest <= CONTENT_WIDTH;
  if (fits(chars.length)) return text;
  let low = 0;
  let high = chars.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return front(low);
}

/**
 * Pages in a PDF, counted as Stripe's checks do: page objects (`/Type /Page`, not `/Pages`).
 * pdfkit writes object dictionaries uncompressed, so a plain scan is exact for its output.
 */
export function pdfPageCount(bytes: Uint8Array): number {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return text.match(/\/Type\s*\/Page(?![A-Za-z0-9])/g)?.length ?? 0;
}
