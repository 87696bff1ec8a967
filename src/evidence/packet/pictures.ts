/**
 * Deliverable images made small enough for the file budget: re-encoded as
 * JPEG down a ladder of sizes and qualities until one fits the byte target. Results are cached
 * by content, so an image that appears twice, or a second pass at a smaller target, does not
 * start over.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { messageOf } from '../../errors.js';
import { sniffImage } from '../images.js';

// Each image is read once and encoded once: libvips's cache of operations (50 MB by default) would only hold memory.
sharp.cache(false);
// One libvips thread per image: the machine's cores are already shared by the app's threads and PostgreSQL, and
// splitting one design across threads cost more CPU than it saved time (15.1 against 16.3 ms a 1024×768 design).
sharp.concurrency(1);

/** The largest an image is drawn (the content width × half a page) at about 150 dpi; more pixels are wasted bytes. */
export const IMAGE_MAX_WIDTH = 1_050;
export const IMAGE_MAX_HEIGHT = 620;
/** Refuse decoding anything bigger: a small file can claim a huge canvas (a decompression bomb). */
export const MAX_INPUT_PIXELS = 40_000_000;
/**
 * An image at most this much larger (each side) than it is drawn is kept at its own size on the ladder's first step:
 * resizing a 1024×768 design to 827×620 took 6 of its 15 ms of CPU to save a quarter of its 30 KB. Lower steps resize.
 */
export const NEAR_SIZE = 1.35;
/** Below this an image is too blurred to show anything; the budget drops images instead. */
export const MIN_IMAGE_BYTES = 12_000;
/** No single image needs more than this at the drawn size. */
export const MAX_IMAGE_BYTES = 600_000;

/**
 * Stepwise: each step a little smaller and more compressed than the one before (about 25–35%
 * fewer bytes per step for a photo-like image, less for flat artwork).
 */
export const LADDER: readonly { scale: number; quality: number }[] = [
  { scale: 1, quality: 82 },
  { scale: 0.92, quality: 76 },
  { scale: 0.84, quality: 70 },
  { scale: 0.76, quality: 65 },
  { scale: 0.69, quality: 60 },
  { scale: 0.62, quality: 55 },
  { scale: 0.56, quality: 50 },
  { scale: 0.5, quality: 46 },
  { scale: 0.44, quality: 42 },
  { scale: 0.38, quality: 38 },
  { scale: 0.32, quality: 35 },
  { scale: 0.26, quality: 32 },
  { scale: 0.2, quality: 30 },
];
/** Assumed bytes kept per step down the ladder when jumping ahead (measured: 0.55 for noise, 0.8 for flat art). */
const STEP_RATIO = 0.65;
/** An encoding under this share of its target tries one step better (it left too much of its share unused). */
const UNDERUSE = 0.5;

export interface EncodedImage {
  bytes: Uint8Array;
  width: number;
  height: number;
}

/**
 * What the header says: the upright size fitted into the drawn box, the upright size itself when it is near that
 * (NEAR_SIZE), and whether the bytes can go in unchanged.
 */
interface Inspected {
  width: number;
  height: number;
  own: { width: number; height: number } | null;
  asIs: boolean;
}

export function imageKey(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/**
 * Each attempt decodes the source again rather than keeping decoded pixels: almost every
 * image fits on its first step, and decode-and-encode in one pipeline is cheaper than
 * decoding to raw pixels and encoding from them.
 */
export class ImageEncoder {
  private readonly steps = new Map<string, Map<number, EncodedImage>>();
  private readonly inspected = new Map<string, Inspected>();
  /** Steps that fitted so far: images in one packet tend to be alike, so the next starts where they ended. */
  private readonly fitted: number[] = [];

  /**
   * The best-looking encoding of `source` within `target` bytes, or why there is none. `roomy`: the file has room for
   * every image at its largest, so bytes are spent to save CPU (see `JpegTables`).
   */
  async fit(
    key: string,
    source: Uint8Array,
    target: number,
    { roomy = false }: { roomy?: boolean } = {},
  ): Promise<EncodedImage | { error: string }> {
    try {
      const info = await this.inspect(key, source);
      if (info.asIs && source.byteLength <= target) {
        const { width, height } = info.own ?? info;
        return { bytes: source, width, height };
      }
      const tables: JpegTables = roomy ? 'standard' : 'optimised';
      const triedKey = `${tables}:${key}`;
      const tried = this.steps.get(triedKey) ?? new Map<number, EncodedImage>();
      this.steps.set(triedKey, tried);
      const at = async (step: number): Promise<EncodedImage> => {
        let encoded = tried.get(step);
        if (!encoded) {
          encoded = await encode(source, info, step, tables);
          tried.set(step, encoded);
        }
        return encoded;
      };
      let step = this.startStep(tried, target);
      for (;;) {
        const encoded = await at(step);
        const bytes = encoded.bytes.byteLength;
        if (bytes <= target) {
          if (bytes < target * UNDERUSE && step > 0 && !tried.has(step - 1)) {
            const better = await at(step - 1);
            if (better.bytes.byteLength <= target) return this.remember(step - 1, better);
          }
          return this.remember(step, encoded);
        }
        if (step >= LADDER.length - 1) return { error: `is ${bytes} bytes even at the smallest size, over ${target}` };
        // The first step at the image's own size weighs more than the ladder's steps assume: judged at the drawn size.
        const drawn = step === 0 && info.own ? (info.width * info.height) / (info.own.width * info.own.height) : 1;
        step = Math.min(LADDER.length - 1, step + stepsToFit(bytes * drawn, target));
        // Never retry a step already known to be too big, nor skip one known to fit.
        while (step > 0 && (tried.get(step - 1)?.bytes.byteLength ?? Number.POSITIVE_INFINITY) <= target) step -= 1;
      }
    } catch (error) {
      return { error: `could not be read as an image (${messageOf(error)})` };
    }
  }

  private remember(step: number, encoded: EncodedImage): EncodedImage {
    this.fitted.push(step);
    return encoded;
  }

  /** Past every step this image already overshot; otherwise where earlier images of this packet fitted. */
  private startStep(tried: ReadonlyMap<number, EncodedImage>, target: number): number {
    const tooBig = [...tried].filter(([, e]) => e.bytes.byteLength > target).map(([step]) => step);
    const fits = [...tried].filter(([, e]) => e.bytes.byteLength <= target).map(([step]) => step);
    if (tooBig.length > 0) {
      const floor = Math.max(...tooBig) + 1;
      const best = fits.filter((s) => s >= floor);
      return Math.min(LADDER.length - 1, best.length > 0 ? Math.min(...best) : floor);
    }
    if (fits.length > 0) return Math.min(...fits);
    const recent = this.fitted.slice(-8).sort((a, b) => a - b);
    return recent[Math.floor(recent.length / 2)] ?? 0;
  }

  private async inspect(key: string, source: Uint8Array): Promise<Inspected> {
    const known = this.inspected.get(key);
    if (known) return known;
    // sharp would also read SVG, GIF, TIFF…; the packet takes only what fetchImage lets through.
    if (!sniffImage(source)) throw new Error('not a PNG, JPEG or WebP image');
    const meta = await sharp(source, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    const upright = meta.orientation === undefined || meta.orientation === 1;
    // EXIF orientations 5–8 turn the image a quarter: its upright width is the stored height.
    const turned = (meta.orientation ?? 1) >= 5;
    const width = turned ? meta.height : meta.width;
    const height = turned ? meta.width : meta.height;
    const fit = Math.min(1, IMAGE_MAX_WIDTH / width, IMAGE_MAX_HEIGHT / height);
    const near = fit >= 1 / NEAR_SIZE;
    const info: Inspected = {
      width: Math.max(1, Math.round(width * fit)),
      height: Math.max(1, Math.round(height * fit)),
      own: near ? { width, height } : null,
      // A JPEG already near its drawn size, upright and in sRGB goes in unchanged: re-encoding only loses detail.
      asIs: meta.format === 'jpeg' && upright && meta.space === 'srgb' && meta.channels === 3 && near,
    };
    this.inspected.set(key, info);
    return info;
  }
}

/** How many steps down the ladder should bring `bytes` under `target` (with 10% to spare), at least one. */
export function stepsToFit(bytes: number, target: number): number {
  return Math.max(1, Math.ceil(Math.log((target * 0.9) / bytes) / Math.log(STEP_RATIO)));
}

/**
 * A JPEG's Huffman tables: the standard ones, or ones optimised for the image (a second pass over it). The pixels are
 * the same; optimised tables take about a fifth fewer bytes for a quarter more CPU (a 1,024×768 design: 8.6 against
 * 11.5 ms, 39 against 32 kB). Only a file with room for every image at its largest takes the standard ones.
 */
export type JpegTables = 'standard' | 'optimised';

async function encode(source: Uint8Array, info: Inspected, step: number, tables: JpegTables): Promise<EncodedImage> {
  const { scale, quality } = LADDER[step] ?? { scale: 0.2, quality: 30 };
  if (step === 0 && info.own) return encodeAt(source, info.own, { quality, tables, resize: false });
  const width = Math.max(1, Math.round(info.width * scale));
  const height = Math.max(1, Math.round(info.height * scale));
  return encodeAt(source, { width, height }, { quality, tables, resize: true });
}

/**
 * The source upright, on white, in sRGB, as a JPEG of `size` (resized to it, with the Mitchell filter: as sharp as
 * the default Lanczos at these scales, for 1.5 of 15 ms less CPU a design).
 */
async function encodeAt(
  source: Uint8Array,
  { width, height }: { width: number; height: number },
  { quality, tables, resize }: { quality: number; tables: JpegTables; resize: boolean },
): Promise<EncodedImage> {
  const upright = sharp(source, { limitInputPixels: MAX_INPUT_PIXELS }).rotate();
  const bytes = await (resize ? upright.resize(width, height, { fit: 'fill', kernel: 'mitchell' }) : upright)
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .jpeg({ quality, mozjpeg: false, optimiseCoding: tables === 'optimised' })
    .toBuffer();
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), width, height };
}

/** Runs `work` over `items` with at most `limit` at a time (sharp's thread pool is small). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
