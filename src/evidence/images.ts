/**
 * Fetching deliverable images for the evidence packet. The URLs come from the business's data
 * (and so, indirectly, from its customers), so every fetch is treated as hostile: https only,
 * allowed hosts only, no private addresses (checked on every redirect hop and pinned for the
 * connection), a byte cap while streaming, one time cap over everything, and the bytes must be
 * an image. Local paths stay inside one folder, symlinks included.
 */

import { lookup } from 'node:dns/promises';
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { resolve, sep } from 'node:path';
import sharp from 'sharp';

export interface ImageRef {
  url?: string;
  path?: string;
}

export interface ImageFetchPolicy {
  /** Exact host names, or `*.example.com` for any subdomain of example.com (not example.com itself). */
  allowedHosts: readonly string[];
  /** Local paths are read only under this folder; without it they are refused. */
  localRoot?: string;
  maxBytes: number;
  /** Covers DNS, connecting, every redirect and the whole body. */
  timeoutMs: number;
  /** Tests only: allow plain http (the servers run on loopback). */
  allowHttp?: boolean;
  /** Exact host names that may resolve to private or loopback addresses: test servers, an intranet image host. */
  privateAddressHosts?: readonly string[];
  /** Extra certificate authority for https (a test's self-signed certificate, a private CA). */
  ca?: string | Buffer;
}

export type FetchedImage = { ok: true; bytes: Uint8Array; contentType: 'image/png' | 'image/jpeg' };
export type ImageFetchResult = FetchedImage | { ok: false; reason: string };

/** Redirects followed before giving up; each hop is checked like the first request. */
export const MAX_REDIRECTS = 3;
/** Canvas size refused before decoding: a small file can declare a huge image (a decompression bomb). */
export const MAX_IMAGE_PIXELS = 40_000_000;

class Refused extends Error {}

export async function fetchImage(ref: ImageRef, policy: ImageFetchPolicy): Promise<ImageFetchResult> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Refused(`no complete answer within ${policy.timeoutMs} ms`)),
    policy.timeoutMs,
  );
  try {
    const raw = ref.url
      ? await untilAborted(fetchRemote(ref.url, policy, controller.signal), controller.signal)
      : ref.path !== undefined
        ? await untilAborted(readLocal(ref.path, policy), controller.signal)
        : refuse('neither a URL nor a path');
    return await untilAborted(asPngOrJpeg(raw), controller.signal);
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  } finally {
    clearTimeout(timer);
    // Ends whatever is still open: a redirect's socket, a body being drained after a refusal.
    controller.abort(new Refused('finished'));
  }
}

export interface ImageBatchItem<R extends ImageRef> {
  ref: R;
  result: ImageFetchResult;
  /** Set when the image was skipped: one line for the case's notes. */
  note?: string;
}

/** Fetches many images, a few at a time, in order; never throws: each failure becomes a note. */
export async function fetchImages<R extends ImageRef>(
  refs: readonly R[],
  policy: ImageFetchPolicy,
  concurrency = 4,
): Promise<ImageBatchItem<R>[]> {
  const items: ImageBatchItem<R>[] = new Array(refs.length);
  let next = 0;
  const worker = async () => {
    while (next < refs.length) {
      const index = next++;
      const ref = refs[index] as R;
      const result = await fetchImage(ref, policy).catch(
        (error: unknown): ImageFetchResult => ({ ok: false, reason: reasonOf(error) }),
      );
      items[index] = result.ok
        ? { ref, result }
        : { ref, result, note: `image ${describe(ref)} skipped: ${result.reason}` };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, refs.length)) }, worker));
  return items;
}

/** `cdn.example.com` matches itself; `*.example.com` matches `a.example.com` and `a.b.example.com`. */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const name = normaliseHost(host);
  return allowedHosts.some((pattern) => {
    const allowed = normaliseHost(pattern);
    if (allowed.startsWith('*.')) return name.endsWith(allowed.slice(1));
    return name === allowed;
  });
}

const PRIVATE_RANGES = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  // NAT64, 6to4 and Teredo can carry a private IPv4 address inside (IPv4-mapped ones are unwrapped below).
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv6');
}

/** Loopback, private, link-local, carrier-grade NAT, documentation, multicast and reserved ranges. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 4) return PRIVATE_RANGES.check(address, 'ipv4');
  // ::ffff:127.0.0.1 is 127.0.0.1; the URL parser writes it canonically as ::ffff:7f00:1.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = canonical.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (mapped) {
    const high = Number.parseInt(mapped[1] ?? '0', 16);
    const low = Number.parseInt(mapped[2] ?? '0', 16);
    return PRIVATE_RANGES.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4');
  }
  return PRIVATE_RANGES.check(address, 'ipv6');
}

async function fetchRemote(location: string, policy: ImageFetchPolicy, signal: AbortSignal): Promise<Uint8Array> {
  let url = parseUrl(location);
  for (let hop = 0; ; hop++) {
    const address = await checkTarget(url, policy);
    const response = await get(url, address, policy, signal);
    const status = response.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status)) {
      response.destroy();
      if (hop >= MAX_REDIRECTS) refuse(`more than ${MAX_REDIRECTS} redirects`);
      const next = response.headers.location;
      if (!next) refuse(`HTTP ${status} without a Location`);
      url = parseUrl(next, url);
      continue;
    }
    if (status !== 200) {
      response.destroy();
      refuse(`HTTP ${status}`);
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > policy.maxBytes) {
      response.destroy();
      refuse(`declares ${declared} bytes, over the ${policy.maxBytes}-byte cap`);
    }
    return readCapped(response, policy.maxBytes);
  }
}

function parseUrl(location: string, base?: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    return refuse('not a valid URL');
  }
}

/** Everything a hop must pass before a connection is made; returns the address to connect to. */
async function checkTarget(url: URL, policy: ImageFetchPolicy): Promise<{ address: string; family: 4 | 6 }> {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    refuse(`${url.protocol.replace(':', '')} URLs are not fetched, only https`);
  }
  if (url.username || url.password) refuse('URLs with credentials are not fetched');
  const host = normaliseHost(url.hostname);
  if (!hostAllowed(host, policy.allowedHosts)) refuse(`host ${host} is not in the allowed image hosts`);
  const literal = isIP(host);
  const addresses = literal
    ? [{ address: host, family: literal }]
    : await lookup(host, { all: true, verbatim: true }).catch(() => refuse(`host ${host} does not resolve`));
  if (addresses.length === 0) refuse(`host ${host} does not resolve`);
  const privateAllowed = (policy.privateAddressHosts ?? []).some((h) => normaliseHost(h) === host);
  // Any private answer refuses the host: a mixed answer is how DNS rebinding gets in.
  const blocked = addresses.find((a) => isPrivateAddress(a.address));
  if (blocked && !privateAllowed) refuse(`host ${host} resolves to a private address (${blocked.address})`);
  // Connect to an address checked here, never to a second lookup's answer.
  const chosen = [...addresses].sort((a, b) => a.family - b.family)[0];
  if (!chosen) return refuse(`host ${host} does not resolve`);
  return { address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
}

function get(url: URL, target: { address: string; family: 4 | 6 }, policy: ImageFetchPolicy, signal: AbortSignal) {
  const host = normaliseHost(url.hostname);
  const common = {
    host: target.address,
    family: target.family,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    method: 'GET',
    headers: {
      host: url.host,
      'user-agent': 'rebut-evidence/1',
      accept: 'image/png,image/jpeg,image/webp',
      'accept-encoding': 'identity',
    },
    agent: false,
    signal,
  } as const;
  return new Promise<IncomingMessage>((resolvePromise, reject) => {
    const request =
      url.protocol === 'https:'
        ? https.request({
            ...common,
            ...(isIP(host) ? {} : { servername: host }),
            ...(policy.ca ? { ca: policy.ca } : {}),
          })
        : http.request(common);
    request.once('response', (response) => {
      // Errors after this point (a timeout's abort, a hang-up) reach the body reader; none may go unheard.
      response.on('error', () => {});
      resolvePromise(response);
    });
    request.on('error', reject);
    request.end();
  });
}

/** Reads the body but stops, and hangs up, the moment it passes the cap. */
async function readCapped(response: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > maxBytes) {
      response.destroy();
      refuse(`body passed the ${maxBytes}-byte cap`);
    }
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}

async function readLocal(path: string, policy: ImageFetchPolicy): Promise<Uint8Array> {
  if (!policy.localRoot) refuse('local image paths are not enabled (no local root)');
  if (path.includes('\0')) refuse('path contains a NUL character');
  const root = await realpath(policy.localRoot).catch(() => refuse('the local image folder does not exist'));
  const candidate = resolve(root, path);
  if (!inside(root, candidate)) refuse('path is outside the local image folder');
  const real = await realpath(candidate).catch(() => refuse('no file at that path'));
  if (!inside(root, real)) refuse('path leads outside the local image folder through a link');
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() =>
    refuse('file cannot be opened'),
  );
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) refuse('not a regular file');
    if (stat.size > policy.maxBytes) refuse(`file is ${stat.size} bytes, over the ${policy.maxBytes}-byte cap`);
    // Read one byte past the cap, so a file that grew since the stat is still caught.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.byteLength - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > policy.maxBytes || length === buffer.byteLength)
        refuse(`file passed the ${policy.maxBytes}-byte cap`);
    }
    return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
  } finally {
    await handle.close();
  }
}

function inside(root: string, path: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

type Sniffed = 'png' | 'jpeg' | 'webp';

/** What the bytes are, whatever the server or the file name says. */
export function sniffImage(bytes: Uint8Array): Sniffed | null {
  const starts = (signature: readonly number[], at = 0) => signature.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  return null;
}

/** PNG and JPEG pass once sharp can read their header; WebP (which Stripe refuses) becomes PNG or JPEG. */
async function asPngOrJpeg(bytes: Uint8Array): Promise<FetchedImage> {
  const kind = sniffImage(bytes);
  if (!kind) refuse('not a PNG, JPEG or WebP image');
  const image = sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS });
  const meta = await image.metadata().catch(() => refuse(`not a readable ${kind} image`));
  if (meta.width * meta.height > MAX_IMAGE_PIXELS) refuse(`${meta.width}×${meta.height} pixels is more than allowed`);
  if (kind === 'png') return { ok: true, bytes, contentType: 'image/png' };
  if (kind === 'jpeg') return { ok: true, bytes, contentType: 'image/jpeg' };
  // Transparency needs PNG; a photo-like WebP would balloon as PNG, so it becomes a high-quality JPEG.
  const converted = meta.hasAlpha ? await image.png().toBuffer() : await image.jpeg({ quality: 90 }).toBuffer();
  return {
    ok: true,
    bytes: new Uint8Array(converted.buffer, converted.byteOffset, converted.byteLength),
    contentType: meta.hasAlpha ? 'image/png' : 'image/jpeg',
  };
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    if (signal.aborted) reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolvePromise(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function refuse(reason: string): never {
  throw new Refused(reason);
}

function reasonOf(error: unknown): string {
  if (error instanceof Refused) return error.message;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

function normaliseHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/** A ref as a note shows it: host and path, never the query string (signed URLs carry secrets there). */
export function describe(ref: ImageRef): string {
  if (ref.url) {
    try {
      const url = new URL(ref.url);
      return `${url.host}${url.pathname}`.slice(0, 160);
    } catch {
      return 'with an invalid URL';
    }
  }
  return (ref.path ?? '(no path)').slice(0, 160);
}
