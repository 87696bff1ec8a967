import { describe, expect, it } from 'vitest';
import { CONTENT_WIDTH, Measurer, MIN_FONT_SIZE, renderPdf } from '../../src/evidence/packet/pdf.js';
import { parsePdf } from './evidence-packet-support.js';

/** The last line of each page: its footer. */
async function footers(footer: string, pages: number): Promise<string[]> {
  const { bytes } = await renderPdf(
    Array.from({ length: pages }, () => []),
    { title: 't', author: 'a', footer, createdAt: new Date('2026-12-07T00:00:00Z') },
  );
  return parsePdf(bytes).pages.map((page) => page.text.trim().split('\n').at(-1) ?? '');
}

describe('the footer of every page', () => {
  it('keeps a short front whole and numbers the pages', async () => {
    expect(await footers('Roomcraft · Receipt', 3)).toEqual([
      'Roomcraft · Receipt · page 1 of 3',
      'Roomcraft · Receipt · page 2 of 3',
      'Roomcraft · Receipt · page 3 of 3',
    ]);
  });

  it('cuts a long front alike on every page, to the width the widest page number leaves', async () => {
    const front = `Roomcraft · Service documentation · dispute du_${'X'.repeat(60)}`;
    const lines = await footers(front, 12);
    const fronts = lines.map((line) => line.replace(/ · page \d+ of 12$/, ''));
    expect(new Set(fronts).size).toBe(1);
    expect(fronts[0]).toMatch(/^Roomcraft · Service documentation · dispute du_X+…$/);
    // Measured as the footer is drawn: the regular font at the smallest size.
    const measure = new Measurer();
    const footerStyle = { font: 'regular', size: MIN_FONT_SIZE } as const;
    for (const line of lines) expect(measure.width(line, footerStyle)).toBeLessThanOrEqual(CONTENT_WIDTH);
    // The longest that fits: one more character would not beside "page 12 of 12".
    const kept = Array.from(fronts[0] ?? '').length - 1;
    const longer = `${Array.from(front)
      .slice(0, kept + 1)
      .join('')}… · page 12 of 12`;
    expect(measure.width(longer, footerStyle)).toBeGreaterThan(CONTENT_WIDTH);
  });
});
