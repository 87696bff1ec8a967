import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  anchorIndex,
  gaps,
  keepAround,
  largestFitting,
  pageLimitFor,
  spreadSelection,
} from '../../src/evidence/packet/budget.js';
import { composeImages, imagesPageCount } from '../../src/evidence/packet/documents.js';
import { commonCap, fitTextFields } from '../../src/evidence/packet/fields.js';
import { allocatePages } from '../../src/evidence/packet/main-document.js';
import { Measurer } from '../../src/evidence/packet/pdf.js';
import {
  IMAGE_MAX_HEIGHT,
  IMAGE_MAX_WIDTH,
  ImageEncoder,
  imageKey,
  MAX_IMAGE_BYTES,
} from '../../src/evidence/packet/pictures.js';
import { planFiles } from '../../src/evidence/packet/plan-files.js';
import { neutraliseUrls, sanitizeText, truncateText } from '../../src/evidence/packet/sanitize.js';
import { noisyPng } from './evidence-packet-support.js';

describe('which deliverable images stay', () => {
  it('keeps the first and the last and spreads the rest evenly', () => {
    expect(spreadSelection(300, 5)).toEqual([0, 75, 150, 224, 299]);
    expect(spreadSelection(10, 2)).toEqual([0, 9]);
    expect(spreadSelection(3, 10)).toEqual([0, 1, 2]);
    expect(spreadSelection(10, 0)).toEqual([]);
    expect(spreadSelection(10, 1)).toEqual([9]);
  });
});

describe('image pages', () => {
  it('hold two images each whatever their shape, so the page count is known before encoding', () => {
    const measure = new Measurer();
    const intro = 'Many deliverables were produced. '.repeat(12);
    for (const count of [1, 2, 3, 10, 41]) {
      for (const aspect of [null, 4, 1, 0.25]) {
        const slots = Array.from({ length: count }, (_, i) => ({
          key: `k${i}`,
          caption: `Design ${i} `.repeat(20),
          aspect,
        }));
        expect(composeImages(measure, intro, slots).pageCount).toBe(imagesPageCount(count));
      }
    }
  });
});

describe('which rows stay', () => {
  it('keeps rows from the start, around the charge (more after it than before) and from the end', () => {
    const kept = keepAround(1_000, 20, 500);
    expect(kept).toHaveLength(20);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(kept.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(kept.slice(-4)).toEqual([996, 997, 998, 999]);
    const around = kept.filter((i) => i >= 490 && i <= 520);
    expect(around.filter((i) => i >= 500).length).toBeGreaterThan(around.filter((i) => i < 500).length);
  });

  it('keeps everything when it fits and nothing when nothing does', () => {
    expect(keepAround(5, 10, 2)).toEqual([0, 1, 2, 3, 4]);
    expect(keepAround(5, 0, 2)).toEqual([]);
  });

  it('finds the charge among chronological rows', () => {
    const times = ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', null, '2026-01-03T00:00:00Z'];
    expect(anchorIndex(times, '2026-01-01T12:00:00Z')).toBe(1);
    expect(anchorIndex(times, '2027-01-01T00:00:00Z')).toBe(3);
    expect(anchorIndex(times, null)).toBe(0);
  });

  it('names each gap left between kept rows', () => {
    expect(gaps(10, [0, 1, 5, 9])).toEqual([
      { after: 1, from: 2, to: 4 },
      { after: 5, from: 6, to: 8 },
    ]);
    expect(gaps(4, [2])).toEqual([
      { after: -1, from: 0, to: 1 },
      { after: 2, from: 3, to: 3 },
    ]);
  });

  it('finds the largest k that fits by bisection', () => {
    expect(largestFitting(0, 1_000, (k) => k * 3 <= 100)).toBe(33);
    expect(largestFitting(5, 10, () => false)).toBe(5);
    expect(largestFitting(0, 10, () => true)).toBe(10);
  });
});

describe('page limits', () => {
  it('are 19 pages for Mastercard and for unknown brands, 49 otherwise', () => {
    expect(pageLimitFor('mastercard')).toBe(19);
    expect(pageLimitFor('unknown')).toBe(19);
    expect(pageLimitFor(null)).toBe(19);
    expect(pageLimitFor('visa')).toBe(49);
    expect(pageLimitFor('amex')).toBe(49);
  });

  it('give way in order: images to their floor, then activity rows, then timeline rows', () => {
    // Each section: 30 rows a page.
    const section = (rows: number) => ({ rows, pages: (k: number) => Math.ceil(k / 30) });
    const roomy = allocatePages({
      available: 100,
      images: 20,
      imageFloor: 8,
      activity: section(300),
      timeline: section(60),
    });
    expect(roomy).toEqual({ images: 20, activityKept: 300, timelineKept: 60 });

    const tight = allocatePages({
      available: 20,
      images: 40,
      imageFloor: 8,
      activity: section(600),
      timeline: section(60),
    });
    expect(tight.images).toBe(8);
    expect(tight.activityKept).toBe(420);
    expect(tight.timelineKept).toBe(60);

    const tighter = allocatePages({
      available: 7,
      images: 40,
      imageFloor: 8,
      activity: section(600),
      timeline: section(600),
    });
    expect(tighter).toEqual({ images: 8, activityKept: 30, timelineKept: 60 });
  });
});

describe('which file goes on which field', () => {
  const policy = (kind: 'refund' | 'cancellation' | 'terms') => ({ kind, title: kind, text: `${kind} text` });

  it('uses only the requested fields, each once', () => {
    const plan = planFiles({
      fileFields: ['service_documentation', 'receipt', 'refund_policy'],
      receipt: [{ id: 'r', kind: 'charge', text: 'paid', at: null, source: 'stripe' }],
      policies: [policy('refund'), policy('cancellation')],
      communications: [],
    });
    expect(plan.main).toBe('service_documentation');
    expect(plan.receipt).toBe('receipt');
    expect(plan.policies.map((p) => p.field)).toEqual(['refund_policy']);
    expect(plan.dropped.map((d) => d.what)).toContain('the cancellation policy');
  });

  it('lets the terms stand in for a missing policy, and never puts one document on two fields', () => {
    const plan = planFiles({
      fileFields: ['uncategorized_file', 'refund_policy', 'cancellation_policy'],
      receipt: null,
      policies: [policy('terms')],
      communications: [],
    });
    expect(plan.main).toBe('uncategorized_file');
    expect(plan.policies).toHaveLength(1);
    expect(plan.policies[0]?.field).toBe('refund_policy');
    expect(plan.policies[0]?.policies.map((p) => p.kind)).toEqual(['terms']);
    const fields = [plan.main, plan.receipt, plan.communications, ...plan.policies.map((p) => p.field)].filter(Boolean);
    expect(new Set(fields).size).toBe(fields.length);
    expect(plan.dropped.map((d) => d.what)).toContain('the cancellation_policy file');
  });
});

describe('text', () => {
  it('keeps the short fields and cuts the longest ones to one common cap', () => {
    expect(commonCap([10, 100, 1_000], 600)).toBe(490);
    expect(commonCap([10, 20], 600)).toBe(20);
    const fitted = fitTextFields({
      uncategorized_text: 'a'.repeat(20_000),
      access_activity_log: 'b'.repeat(20_000),
      product_description: 'c'.repeat(20_000),
      refund_policy_disclosure: 'd'.repeat(20_000),
      refund_refusal_explanation: 'e'.repeat(20_000),
      cancellation_policy_disclosure: 'f'.repeat(20_000),
      cancellation_rebuttal: 'g'.repeat(20_000),
      duplicate_charge_explanation: 'h'.repeat(20_000),
      customer_email_address: 'jo@example.com',
    });
    expect(fitted.chars).toBeLessThanOrEqual(150_000);
    expect(fitted.textFields.customer_email_address).toBe('jo@example.com');
    expect(fitted.dropped).toHaveLength(8);
  });

  it('drops a field that is empty once cleaned, and makes one-line fields one line', () => {
    const fitted = fitTextFields({ customer_name: 'Jo\n\tBloggs', uncategorized_text: '\u200B\u202E ' });
    expect(fitted.textFields).toEqual({ customer_name: 'Jo Bloggs' });
  });

  it('strips markup, invisible characters and lone surrogates, and cuts without splitting a pair', () => {
    expect(sanitizeText('<p>Hi <script>steal()</script>there</p><!-- x -->', 100)).toBe('Hi there');
    expect(sanitizeText('<script>never closed', 100)).toBe('');
    expect(sanitizeText('a\u202Eb\u200Bc\uFEFFd\u0000e', 100)).toBe('abcde');
    expect(sanitizeText('x\uD800y', 100)).toBe('x\uFFFDy');
    expect(truncateText('ab😀cd', 4)).toBe('ab…');
    expect(truncateText('abc', 3)).toBe('abc');
    // 100,000 characters are handled without slowing down, and cut.
    const started = Date.now();
    expect(sanitizeText('<script>'.repeat(20_000), 500)).toBe('');
    expect(sanitizeText('x'.repeat(100_000), 500)).toHaveLength(500);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('turns links into plain text', () => {
    expect(neutraliseUrls('see https://www.example.com/terms or javascript:alert(1)')).toBe(
      'see example.com/terms or alert(1)',
    );
  });
});

describe('image encoding', () => {
  it('fits an image under its byte target, and a smaller target gives smaller bytes', async () => {
    const source = await noisyPng(1_000, 700, 11);
    const encoder = new ImageEncoder();
    const key = imageKey(source);
    const large = await encoder.fit(key, source, 200_000);
    const small = await encoder.fit(key, source, 40_000);
    if ('error' in large || 'error' in small) throw new Error('encoding failed');
    expect(large.bytes.byteLength).toBeLessThanOrEqual(200_000);
    expect(small.bytes.byteLength).toBeLessThanOrEqual(40_000);
    expect(small.width).toBeLessThan(large.width);
    expect((await sharp(small.bytes).metadata()).format).toBe('jpeg');
  });

  // Smaller than drawn, and near its drawn size (1,200×700 is drawn at 1,050×612): re-encoding would only lose detail.
  it.each([
    [200, 100],
    [1_200, 700],
  ])('passes an upright sRGB JPEG of %i×%i through unchanged', async (width, height) => {
    const jpeg = new Uint8Array(
      await sharp({ create: { width, height, channels: 3, background: '#aa3366' } })
        .jpeg()
        .toBuffer(),
    );
    const result = await new ImageEncoder().fit(imageKey(jpeg), jpeg, 100_000);
    if ('error' in result) throw new Error(result.error);
    expect(result.bytes).toBe(jpeg);
    expect([result.width, result.height]).toEqual([width, height]);
  });

  it('keeps a design near its drawn size at its own size when it fits, and resizes it when it must shrink', async () => {
    // 1,024×768 is drawn at most 827×620 (IMAGE_MAX_HEIGHT): within NEAR_SIZE, so not resized on the first step.
    const design = await noisyPng(1_024, 768, 13);
    const encoder = new ImageEncoder();
    const key = imageKey(design);
    const roomy = await encoder.fit(key, design, MAX_IMAGE_BYTES * 10);
    if ('error' in roomy) throw new Error(roomy.error);
    expect([roomy.width, roomy.height]).toEqual([1_024, 768]);
    expect(await sharp(roomy.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 1_024, height: 768 });
    const tight = await encoder.fit(key, design, Math.floor(roomy.bytes.byteLength / 2));
    if ('error' in tight) throw new Error(tight.error);
    expect(tight.height).toBeLessThanOrEqual(IMAGE_MAX_HEIGHT);
    expect(tight.bytes.byteLength).toBeLessThanOrEqual(Math.floor(roomy.bytes.byteLength / 2));
    // Twice the drawn size is not near: it is resized to the box even when the bytes would fit.
    const large = await noisyPng(2_100, 1_240, 14);
    const fitted = await new ImageEncoder().fit(imageKey(large), large, MAX_IMAGE_BYTES * 10);
    if ('error' in fitted) throw new Error(fitted.error);
    expect([fitted.width, fitted.height]).toEqual([IMAGE_MAX_WIDTH, IMAGE_MAX_HEIGHT]);
  });

  it('spends bytes, not pixels, on a file with room for every image at its largest', async () => {
    const design = await noisyPng(1_024, 768, 15);
    const key = imageKey(design);
    const compact = await new ImageEncoder().fit(key, design, MAX_IMAGE_BYTES);
    const quick = await new ImageEncoder().fit(key, design, MAX_IMAGE_BYTES, { roomy: true });
    if ('error' in compact || 'error' in quick) throw new Error('encoding failed');
    // Standard Huffman tables: more bytes, the same decoded pixels.
    expect(quick.bytes.byteLength).toBeGreaterThan(compact.bytes.byteLength * 1.05);
    const pixels = (bytes: Uint8Array) => sharp(bytes).raw().toBuffer();
    expect((await pixels(quick.bytes)).equals(await pixels(compact.bytes))).toBe(true);
    expect([quick.width, quick.height]).toEqual([compact.width, compact.height]);
  });

  it('says why when an image cannot fit or cannot be read', async () => {
    const source = await noisyPng(1_000, 700, 12);
    expect(await new ImageEncoder().fit('k', source, 100)).toEqual({
      error: expect.stringMatching(/even at the smallest size/),
    });
    expect(await new ImageEncoder().fit('j', new Uint8Array([1, 2, 3]), 100_000)).toEqual({
      error: expect.stringMatching(/could not be read as an image/),
    });
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    expect(await new ImageEncoder().fit('s', svg, 100_000)).toEqual({
      error: 'could not be read as an image (not a PNG, JPEG or WebP image)',
    });
  });
});
