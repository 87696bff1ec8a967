import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pdfPageToPng } from '../../sandbox/demo/page-image.js';
import { bold, colourWanted, renderBlocks } from '../../sandbox/demo/render.js';
import { buildPacket } from '../../src/evidence/packet/index.js';
import { packetInput } from './evidence-packet-support.js';

describe('the demo in a terminal', () => {
  it('uses colour only for a terminal, and never when NO_COLOR is set', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({}, {})).toBe(false);
    // no-color.org: an empty NO_COLOR does not count.
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(bold('▸ Done', false)).toBe('▸ Done');
    expect(bold('▸ Done', true)).toBe('\x1b[1m▸ Done\x1b[0m');
  });

  it('shows mentions and code as a person reads them in Slack', () => {
    const text = renderBlocks([
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'started by <@U0ALICE001>, `/disputes stats`' }] },
    ]);
    expect(text).toBe('  │ started by @U0ALICE001, /disputes stats');
  });
});

describe("the demo's page images", () => {
  it('draws page 1 of a service documentation as a white US Letter page with the text on it', async () => {
    const packet = await buildPacket(packetInput({ deliverables: [] }));
    const pdf = packet.files.find((file) => file.field === 'service_documentation')?.bytes ?? new Uint8Array();
    const png = await pdfPageToPng(pdf);
    const image = sharp(png);
    // 8.5 × 11 in at 1.5 × 72 dpi.
    expect(await image.metadata()).toMatchObject({ format: 'png', width: 918, height: 1188 });
    const { channels } = await image.stats();
    // Mostly white paper, with dark text: not a blank or transparent page.
    expect(channels[0]?.max).toBe(255);
    expect(channels[0]?.min).toBeLessThan(64);
    expect(channels[0]?.mean).toBeGreaterThan(200);
    // The PDF's bytes are still whole for the caller (pdfjs is given a copy).
    expect(pdf.byteLength).toBeGreaterThan(0);
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
  });
});
