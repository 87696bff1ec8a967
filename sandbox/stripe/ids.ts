import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  // 248 = 62 * 4: bytes at or above it would bias the alphabet, so they are redrawn.
  for (let i = 0; out.length < length; i++) {
    const byte = i < bytes.length ? (bytes[i] ?? 0) : (randomBytes(1)[0] ?? 0);
    if (byte < 248) out += BASE62[byte % 62];
  }
  return out;
}

/** Stripe-looking ids: prefix + 24 random base62 characters (`du_1Pgc71B7WZ01zgkWMevJiAUx`). */
export function newId(prefix: string): string {
  return `${prefix}_${base62(24)}`;
}

export function requestId(): string {
  return `req_${base62(14)}`;
}

/** A fixed-width base62 number, for ids derived from a seeded index. */
export function encodeIndex(index: number, width: number): string {
  let out = '';
  let rest = index;
  for (let i = 0; i < width; i++) {
    out = (BASE62[rest % 62] ?? '0') + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

export function decodeIndex(text: string): number {
  let value = 0;
  for (const char of text) {
    const digit = BASE62.indexOf(char);
    if (digit < 0) return -1;
    value = value * 62 + digit;
  }
  return value;
}
