import { describe, expect, it } from 'vitest';
import { inPageOrder } from '../../src/sync/pages.js';
import { placeAfter } from '../../src/sync/runs.js';

describe('pages committed out of order', () => {
  it('are handed on in page order: a page that commits before its predecessor waits for it', async () => {
    const handed: number[][] = [];
    const committed = inPageOrder<number>(async (pages) => {
      handed.push(pages);
    });
    const second = committed(1, 1);
    await Promise.resolve();
    expect(handed).toEqual([]);
    await Promise.all([committed(0, 0), second]);
    expect(handed).toEqual([[0, 1]]);
    await committed(2, 2);
    expect(handed).toEqual([[0, 1], [2]]);
  });

  it('a failed record fails every later one, so the cursor never moves past it', async () => {
    let calls = 0;
    const committed = inPageOrder<number>(async () => {
      calls += 1;
      throw new Error('database gone');
    });
    await expect(committed(0, 0)).rejects.toThrow('database gone');
    await expect(committed(1, 1)).rejects.toThrow('database gone');
    expect(calls).toBe(1);
  });
});

describe("the run's place after several pages", () => {
  it('is the last cursor and the last boundary any of them set', () => {
    const a = { id: 'du_a', created: new Date('2025-03-02') };
    const b = { id: 'du_b', created: new Date('2025-03-01') };
    const head = new Date('2025-03-03');
    expect(
      placeAfter([
        { cursor: a, newHead: head, count: 100 },
        { cursor: b, newHead: null, count: 100 },
        { cursor: null, newHead: null, count: 0 },
      ]),
    ).toEqual({ cursor: b, newHead: head });
    expect(placeAfter([{ cursor: null, newHead: null, count: 3 }])).toEqual({ cursor: null, newHead: null });
  });
});
