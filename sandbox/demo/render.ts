/**
 * Slack Block Kit as plain terminal text, so the demo shows what a person would see in the
 * channel. Only the block types rebut sends are rendered; anything else is named.
 */
/** Bold in a terminal that shows colour; the text alone otherwise (a pipe, a log file, NO_COLOR). */
export function bold(text: string, colour: boolean): string {
  return colour ? `\x1b[1m${text}\x1b[0m` : text;
}

/** Colour only for a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}

type Text = { type?: string; text?: string };
type Element = { type?: string; text?: Text | string; action_id?: string; style?: string; elements?: Element[] };
type Block = {
  type?: string;
  text?: Text;
  fields?: Text[];
  elements?: Element[];
  accessory?: Element;
  title?: Text;
  alt_text?: string;
};

function plain(text: Text | string | undefined): string {
  const raw = typeof text === 'string' ? text : (text?.text ?? '');
  return raw
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<!date\^\d+\^[^|]*\|([^>]+)>/g, '$1')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/(^|\s)_([^_\n]+)_/g, '$1$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function indent(text: string, prefix = '  │ '): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

export function renderBlocks(blocks: unknown): string {
  const lines: string[] = [];
  for (const block of (Array.isArray(blocks) ? blocks : []) as Block[]) {
    switch (block.type) {
      case 'header':
        lines.push(`■ ${plain(block.text).toUpperCase()}`);
        break;
      case 'section':
        if (block.text) lines.push(plain(block.text));
        // Fields are "*Label*\nvalue": shown as "Label: value", one per line.
        if (block.fields)
          for (const field of block.fields) lines.push(plain(field).replace('\n', ': ').replaceAll('\n', ', '));
        break;
      case 'context':
        lines.push((block.elements ?? []).map((element) => plain(element.text ?? (element as Text))).join('  '));
        break;
      case 'divider':
        lines.push('─'.repeat(60));
        break;
      case 'actions':
        lines.push((block.elements ?? []).map((element) => `[ ${plain(element.text)} ]`).join(' '));
        break;
      case 'rich_text':
        lines.push('(formatted text)');
        break;
      default:
        lines.push(`(${block.type ?? 'unknown'} block)`);
    }
  }
  return indent(lines.join('\n'));
}
