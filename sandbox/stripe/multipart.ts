import { invalidRequest } from './errors.js';

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Parses a `multipart/form-data` body (what stripe-node sends for `files.create`). */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw invalidRequest('Invalid multipart/form-data request: no boundary.');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw invalidRequest('Invalid multipart/form-data request: boundary not found.');
  while (true) {
    position += delimiter.length;
    // `--boundary--` closes the body.
    if (body[position] === 0x2d && body[position + 1] === 0x2d) break;
    if (body[position] === 0x0d && body[position + 1] === 0x0a) position += 2;
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0) throw invalidRequest('Invalid multipart/form-data request: truncated part headers.');
    const headers = body.subarray(position, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw invalidRequest('Invalid multipart/form-data request: missing closing boundary.');
    const data = body.subarray(headerEnd + 4, next);
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw invalidRequest('Invalid multipart/form-data request: a part has no name.');
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
    parts.push({
      name: decodeURIComponent(name),
      ...(filename !== undefined ? { filename: filename.replaceAll('%22', '"') } : {}),
      ...(type !== undefined ? { contentType: type } : {}),
      data: Buffer.from(data),
    });
    position = next + 2;
  }
  return parts;
}

export type FileKind = 'pdf' | 'jpg' | 'png';

/** The real type of an upload, from its first bytes; the name and declared type are not trusted. */
export function sniffFileKind(data: Buffer): FileKind | undefined {
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((byte, index) => data[index] === byte)) return 'png';
  return undefined;
}

/**
 * Page count of a PDF: the `/Type /Page` objects (not `/Pages`). Enough for uncompressed object
 * tables such as pdfkit's; a PDF that keeps its page objects in compressed object streams counts
 * as one page.
 */
export function countPdfPages(data: Buffer): number {
  const text = data.toString('latin1');
  const pages = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  return Math.max(pages, 1);
}
