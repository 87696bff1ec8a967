/**
 * Customer-controlled text (names, messages, design titles) reaches PDFs and Stripe fields.
 * Everything passes through here: no control, bidi or zero-width characters, no markup,
 * bounded length, and never a lone surrogate that would break a font or JSON encoder.
 */

export interface SanitizeOptions {
  /** Newlines become spaces (names, titles, one-line fields). */
  singleLine?: boolean;
  /** Work on at most this many input characters; hostile input can be megabytes. */
  maxInput?: number;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SCRIPT_OR_STYLE_OPEN = /<(script|style)\b/gi;
const HTML_COMMENT = /<!--[\s\S]*?(-->|$)/g;
const HTML_TAG = /<\/?[a-z][a-z0-9-]*(\s[^<>]*)?\/?>/gi;
const LINE_BREAKS = /\r\n?|[\u2028\u2029\u0085]/g;
/** Controls (C0/C1), format characters (bidi overrides, zero-width, BOM, soft hyphen), private use, noncharacters. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\uFFFE\uFFFF]/gu;
/** More than three combining marks on one letter is "Zalgo" text, drawn as a tall smear. */
const MARK_PILES = /(\p{M}{3})\p{M}+/gu;

export function sanitizeText(input: string, maxChars: number, options: SanitizeOptions = {}): string {
  const bound = options.maxInput ?? Math.max(maxChars * 4, 4_096);
  let text = input.length > bound ? input.slice(0, bound) : input;
  text = text.replace(LONE_SURROGATE, '\uFFFD').normalize('NFC');
  text = dropScriptBlocks(text).replace(HTML_COMMENT, ' ').replace(HTML_TAG, ' ');
  text = text.replace(LINE_BREAKS, '\n').replace(/\t/g, ' ');
  text = text
    .split('\n')
    .map((line) => line.replace(INVISIBLE, '').replace(MARK_PILES, '$1').replace(/ {2,}/g, ' ').trim())
    .join(options.singleLine ? ' ' : '\n');
  text = text
    .replace(/\n{3,}/g, '\n\n')
    .replace(/ {2,}/g, ' ')
    .trim();
  return truncateText(text, maxChars);
}

/** Removes `<script>…</script>` and `<style>…</style>` with their content, an unclosed one to the end, in one pass. */
function dropScriptBlocks(text: string): string {
  let out = '';
  let from = 0;
  SCRIPT_OR_STYLE_OPEN.lastIndex = 0;
  for (let open = SCRIPT_OR_STYLE_OPEN.exec(text); open; open = SCRIPT_OR_STYLE_OPEN.exec(text)) {
    out += `${text.slice(from, open.index)} `;
    const close = new RegExp(`</${open[1]}\\s*>`, 'gi');
    close.lastIndex = open.index;
    const end = close.exec(text);
    if (!end) return out;
    from = end.index + end[0].length;
    SCRIPT_OR_STYLE_OPEN.lastIndex = from;
  }
  return out + text.slice(from);
}

/** Cuts to at most `max` UTF-16 units (Stripe counts no fewer), never inside a surrogate pair, marked with `mark`. */
export function truncateText(text: string, max: number, mark = '…'): string {
  if (text.length <= max) return text;
  if (max <= mark.length) return mark.slice(0, Math.max(0, max));
  let cut = max - mark.length;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, cut).trimEnd() + mark;
}

/**
 * Evidence files must carry no external links. pdfkit adds no link annotations unless asked,
 * but viewers turn `https://…` and `www.…` into links on their own, so those prefixes go.
 */
export function neutraliseUrls(text: string): string {
  return text
    .replace(/\b[a-z][a-z0-9+.-]{1,15}:\/\/(?=\S)/gi, '')
    .replace(/\bwww\.(?=\S)/gi, '')
    .replace(/\b(mailto|javascript|data):(?=\S)/gi, '');
}
