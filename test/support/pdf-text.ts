// The text a PDF made by pdfkit shows, read back through each font's ToUnicode map: enough to check what a reader of
// an evidence file sees (customer text as data, no invisible characters), without a PDF library.
import { inflateSync } from 'node:zlib';

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

function parseObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  for (const match of text.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const body = match[2] ?? '';
    const streamAt = body.indexOf('stream');
    if (streamAt < 0) {
      objects.set(Number(match[1]), { dict: body });
      continue;
    }
    const dict = body.slice(0, streamAt);
    let start = streamAt + 'stream'.length;
    if (body[start] === '\r') start++;
    if (body[start] === '\n') start++;
    const end = body.lastIndexOf('endstream');
    let raw = Buffer.from(body.slice(start, end), 'latin1');
    if (/\/Filter\s*\/FlateDecode/.test(dict)) raw = inflateSync(raw);
    objects.set(Number(match[1]), { dict, stream: raw });
  }
  return objects;
}

/** Glyph code → text, from a `beginbfrange` ToUnicode CMap as pdfkit writes it. */
function parseCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const range of cmap.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*\[([^\]]*)\]/gi)) {
    let code = Number.parseInt(range[1] ?? '0', 16);
    for (const entry of (range[3] ?? '').matchAll(/<([0-9a-f ]+)>/gi)) {
      const units = (entry[1] ?? '').split(' ').map((hex) => Number.parseInt(hex, 16));
      map.set(code++, String.fromCharCode(...units));
    }
  }
  return map;
}

const ref = (dict: string, key: string): number | undefined => {
  const match = new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(dict);
  return match ? Number(match[1]) : undefined;
};

/** Every page's text, in drawing order; one line per text-showing operator. */
export function pdfText(pdf: Buffer): string[] {
  const objects = parseObjects(pdf);
  const dictOf = (id: number | undefined) => (id === undefined ? '' : (objects.get(id)?.dict ?? ''));
  const pages: string[] = [];
  for (const object of objects.values()) {
    if (!/\/Type\s*\/Page\b/.test(object.dict)) continue;
    // Resources may be inline or a reference; fonts are named /F1 7 0 R inside /Font << … >>.
    const resources = ref(object.dict, 'Resources');
    const resourceText = resources === undefined ? object.dict : dictOf(resources);
    const fontBlock = /\/Font\s*<<([\s\S]*?)>>/.exec(resourceText)?.[1] ?? '';
    const fonts = new Map<string, Map<number, string>>();
    for (const font of fontBlock.matchAll(/\/([\w.+-]+)\s+(\d+) 0 R/g)) {
      const toUnicode = ref(dictOf(Number(font[2])), 'ToUnicode');
      const cmap = toUnicode === undefined ? undefined : objects.get(toUnicode)?.stream;
      fonts.set(font[1] ?? '', cmap ? parseCmap(cmap.toString('latin1')) : new Map());
    }
    const contentIds = [...(/\/Contents\s+(\[[^\]]*\]|\d+ 0 R)/.exec(object.dict)?.[1] ?? '').matchAll(/(\d+) 0 R/g)];
    const content = contentIds.map((id) => objects.get(Number(id[1]))?.stream?.toString('latin1') ?? '').join('\n');
    let font = new Map<number, string>();
    const lines: string[] = [];
    for (const token of content.matchAll(/\/([\w.+-]+)\s+[\d.]+\s+Tf|\[([^\]]*)\]\s*TJ|<([0-9a-f]*)>\s*Tj/gi)) {
      if (token[1] !== undefined) {
        font = fonts.get(token[1]) ?? new Map();
        continue;
      }
      const hex =
        token[2] !== undefined ? [...token[2].matchAll(/<([0-9a-f]*)>/gi)].map((h) => h[1]).join('') : token[3];
      let line = '';
      for (let at = 0; at + 4 <= (hex ?? '').length; at += 4) {
        line += font.get(Number.parseInt((hex ?? '').slice(at, at + 4), 16)) ?? '\uFFFD';
      }
      lines.push(line);
    }
    pages.push(lines.join('\n'));
  }
  return pages;
}
