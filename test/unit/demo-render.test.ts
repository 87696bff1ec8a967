import { describe, expect, it } from 'vitest';
import { bold, colourWanted, renderBlocks } from '../../sandbox/demo/render.js';

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
