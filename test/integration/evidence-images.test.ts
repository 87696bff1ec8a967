import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverableFetcher, MAX_FETCHED_IMAGES } from '../../src/cases/deliverables.js';
import { parseEvidenceConfig } from '../../src/evidence/config.js';
import {
  fetchImage,
  fetchImages,
  hostAllowed,
  type ImageFetchPolicy,
  isPrivateAddress,
  sniffImage,
} from '../../src/evidence/images.js';

let png: Buffer;
let webp: Buffer;
let server: Server;
let port = 0;
/** Requests per path, to prove a refused hop never reached the server. */
const hits = new Map<string, number>();
/** Bytes the server managed to write for the 50 MB answer before the client hung up. */
let hugeBytesWritten = 0;
let stall: TcpServer;
let stallPort = 0;
const stalledSockets = new Set<Socket>();

function routes(req: IncomingMessage, res: ServerResponse) {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  hits.set(path, (hits.get(path) ?? 0) + 1);
  const redirect = (location: string) => {
    res.writeHead(302, { location });
    res.end();
  };
  if (path === '/ok.png') return res.end(png);
  if (path === '/ok.webp') return res.end(webp);
  if (path === '/redirect-ok') return redirect('/ok.png');
  if (path === '/redirect-loopback') return redirect(`http://127.0.0.1:${port}/ok.png`);
  if (path === '/redirect-elsewhere') return redirect('http://images.evil.example/ok.png');
  if (path.startsWith('/chain/')) {
    const n = Number(path.slice('/chain/'.length));
    return n === 0 ? redirect('/ok.png') : redirect(`/chain/${n - 1}`);
  }
  if (path === '/html') {
    res.writeHead(200, { 'content-type': 'image/png' });
    return res.end('<html><body>not an image</body></html>');
  }
  if (path === '/declared-huge') {
    res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
    return res.write(png.subarray(0, 1024));
  }
  if (path === '/huge') {
    // 50 MB streamed without a length: a PNG signature, then noise, as fast as the client reads.
    res.writeHead(200, { 'content-type': 'image/png' });
    const chunk = Buffer.alloc(64 * 1024, 7);
    png.copy(chunk, 0, 0, 8);
    let sent = 0;
    const pump = () => {
      while (sent < 50 * 1024 * 1024) {
        sent += chunk.byteLength;
        hugeBytesWritten = sent;
        if (!res.write(chunk)) return res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => {
      sent = Number.POSITIVE_INFINITY;
    });
    return pump();
  }
  if (path === '/slow-body') {
    res.writeHead(200, { 'content-type': 'image/png' });
    return res.write(png.subarray(0, 100));
  }
  res.writeHead(404);
  res.end();
}

const policy = (overrides: Partial<ImageFetchPolicy> = {}): ImageFetchPolicy => ({
  allowedHosts: ['localhost'],
  privateAddressHosts: ['localhost'],
  allowHttp: true,
  maxBytes: 1_000_000,
  timeoutMs: 2_000,
  ...overrides,
});
const at = (path: string) => `http://localhost:${port}${path}`;

beforeAll(async () => {
  png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366aa' } })
    .png()
    .toBuffer();
  webp = await sharp({
    create: { width: 64, height: 48, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } },
  })
    .webp()
    .toBuffer();
  server = createHttpServer(routes);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  // Accepts connections and never says a word.
  stall = createTcpServer((socket) => {
    stalledSockets.add(socket);
    socket.on('close', () => stalledSockets.delete(socket));
  });
  await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve));
  const stallAddress = stall.address();
  stallPort = typeof stallAddress === 'object' && stallAddress ? stallAddress.port : 0;
});

afterAll(async () => {
  for (const socket of stalledSockets) socket.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => stall.close(resolve));
});

describe('fetching an image over HTTP', () => {
  it('returns the PNG from an allowed host', async () => {
    const result = await fetchImage({ url: at('/ok.png') }, policy());
    expect(result).toEqual({ ok: true, bytes: new Uint8Array(png), contentType: 'image/png' });
  });

  it('converts WebP, which Stripe refuses, to PNG when it has transparency', async () => {
    const result = await fetchImage({ url: at('/ok.webp') }, policy());
    if (!result.ok) throw new Error(result.reason);
    expect(result.contentType).toBe('image/png');
    expect(sniffImage(result.bytes)).toBe('png');
  });

  it('follows a redirect to an allowed host', async () => {
    const result = await fetchImage({ url: at('/redirect-ok') }, policy());
    expect(result.ok).toBe(true);
  });

  it('refuses a host that is not allowed without sending it a request', async () => {
    const before = hits.get('/ok.png') ?? 0;
    const result = await fetchImage({ url: `http://127.0.0.1:${port}/ok.png` }, policy());
    expect(result).toEqual({ ok: false, reason: 'host 127.0.0.1 is not in the allowed image hosts' });
    expect(hits.get('/ok.png') ?? 0).toBe(before);
  });

  it('refuses an allowed host that resolves to a loopback address', async () => {
    const result = await fetchImage({ url: at('/ok.png') }, policy({ privateAddressHosts: [] }));
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(
      /^host localhost resolves to a private address \((127\.0\.0\.1|::1)\)$/,
    );
  });

  it('refuses a redirect to 127.0.0.1 when that host is not allowed', async () => {
    const before = hits.get('/ok.png') ?? 0;
    const result = await fetchImage({ url: at('/redirect-loopback') }, policy());
    expect(result).toEqual({ ok: false, reason: 'host 127.0.0.1 is not in the allowed image hosts' });
    expect(hits.get('/ok.png') ?? 0).toBe(before);
  });

  it('refuses a redirect to 127.0.0.1 as a private address even when the name is listed', async () => {
    const before = hits.get('/ok.png') ?? 0;
    const result = await fetchImage(
      { url: at('/redirect-loopback') },
      policy({ allowedHosts: ['localhost', '127.0.0.1'], privateAddressHosts: ['localhost'] }),
    );
    expect(result).toEqual({ ok: false, reason: 'host 127.0.0.1 resolves to a private address (127.0.0.1)' });
    expect(hits.get('/ok.png') ?? 0).toBe(before);
  });

  it('refuses a redirect to a host outside the allowed list', async () => {
    const result = await fetchImage({ url: at('/redirect-elsewhere') }, policy());
    expect(result).toEqual({ ok: false, reason: 'host images.evil.example is not in the allowed image hosts' });
  });

  it('follows three redirects but not four', async () => {
    expect((await fetchImage({ url: at('/chain/2') }, policy())).ok).toBe(true);
    expect(await fetchImage({ url: at('/chain/3') }, policy())).toEqual({ ok: false, reason: 'more than 3 redirects' });
  });

  it('stops a 50 MB body at the byte cap instead of reading it all', async () => {
    const started = Date.now();
    const result = await fetchImage({ url: at('/huge') }, policy({ maxBytes: 1_000_000, timeoutMs: 10_000 }));
    expect(result).toEqual({ ok: false, reason: 'body passed the 1000000-byte cap' });
    expect(Date.now() - started).toBeLessThan(3_000);
    // Socket buffers let the server run a little ahead; nowhere near 50 MB.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hugeBytesWritten).toBeLessThan(12 * 1024 * 1024);
  });

  it('refuses a body whose declared length is over the cap before reading it', async () => {
    const result = await fetchImage({ url: at('/declared-huge') }, policy());
    expect(result).toEqual({ ok: false, reason: 'declares 52428800 bytes, over the 1000000-byte cap' });
  });

  it('gives up on a host that accepts the connection and never answers, within the time cap', async () => {
    const started = Date.now();
    const result = await fetchImage({ url: `http://localhost:${stallPort}/x.png` }, policy({ timeoutMs: 300 }));
    const elapsed = Date.now() - started;
    expect(result).toEqual({ ok: false, reason: 'no complete answer within 300 ms' });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('gives up on a body that stalls halfway, within the time cap', async () => {
    const started = Date.now();
    const result = await fetchImage({ url: at('/slow-body') }, policy({ timeoutMs: 300 }));
    expect(result).toEqual({ ok: false, reason: 'no complete answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses a body that is not an image, whatever its content type says', async () => {
    const result = await fetchImage({ url: at('/html') }, policy());
    expect(result).toEqual({ ok: false, reason: 'not a PNG, JPEG or WebP image' });
  });

  it('refuses http unless allowed, and other schemes and credentials always', async () => {
    expect(await fetchImage({ url: at('/ok.png') }, policy({ allowHttp: false }))).toEqual({
      ok: false,
      reason: 'http URLs are not fetched, only https',
    });
    expect(await fetchImage({ url: 'file:///etc/passwd' }, policy())).toEqual({
      ok: false,
      reason: 'file URLs are not fetched, only https',
    });
    expect(await fetchImage({ url: `http://user:pw@localhost:${port}/ok.png` }, policy())).toEqual({
      ok: false,
      reason: 'URLs with credentials are not fetched',
    });
    expect(await fetchImage({ url: 'not a url' }, policy())).toEqual({ ok: false, reason: 'not a valid URL' });
  });
});

describe('fetching many images', () => {
  it('a customer with 200 designs: only the few a packet can show are fetched, chosen as the packet chooses', async () => {
    hits.delete('/ok.png');
    const artefacts = Array.from({ length: 200 }, (_, index) => ({
      id: `design-${index}`,
      kind: 'image' as const,
      title: `Design ${index}`,
      at: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
      source: 'sql',
      url: at(`/ok.png?n=${index}`),
    }));
    const fetch = deliverableFetcher(
      parseEvidenceConfig(
        `business:\n  name: B\n  product_description: P\n  support_email: s@example.com\n  website: https://b.example\nimages:\n  allowed_hosts: [localhost]\n`,
      ),
      {
        privateAddressHosts: ['localhost'],
        allowHttp: true,
      },
    );
    const { deliverables } = await fetch(artefacts);
    expect(hits.get('/ok.png')).toBe(MAX_FETCHED_IMAGES);
    expect(deliverables).toHaveLength(200);
    expect(deliverables.filter((d) => d.image)).toHaveLength(MAX_FETCHED_IMAGES);
    expect(deliverables.filter((d) => d.imageLeftUnfetched)).toHaveLength(200 - MAX_FETCHED_IMAGES);
    // The first and the last designs are among those fetched, as the packet would show them.
    const fetchedTitles = deliverables.filter((d) => d.image).map((d) => d.title);
    expect(fetchedTitles).toContain('Design 0');
    expect(fetchedTitles).toContain('Design 199');
  });

  it('never throws, keeps the order and turns each refusal into a note, all within the time cap', async () => {
    const refs = [
      { url: at('/ok.png'), id: 'fine' },
      { url: `http://127.0.0.1:${port}/ok.png`, id: 'not allowed' },
      { url: at('/redirect-loopback'), id: 'redirect to 127.0.0.1' },
      { url: at('/huge'), id: '50 MB' },
      { url: `http://localhost:${stallPort}/never.png`, id: 'never answers' },
      { url: at('/html?token=secret'), id: 'not an image' },
      { id: 'nothing' },
    ];
    const started = Date.now();
    const items = await fetchImages(refs, policy({ timeoutMs: 400 }), 7);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(items.map((i) => i.ref.id)).toEqual(refs.map((r) => r.id));
    expect(items.map((i) => i.result.ok)).toEqual([true, false, false, false, false, false, false]);
    expect(items.map((i) => i.note)).toEqual([
      undefined,
      `image 127.0.0.1:${port}/ok.png skipped: host 127.0.0.1 is not in the allowed image hosts`,
      `image localhost:${port}/redirect-loopback skipped: host 127.0.0.1 is not in the allowed image hosts`,
      `image localhost:${port}/huge skipped: body passed the 1000000-byte cap`,
      `image localhost:${stallPort}/never.png skipped: no complete answer within 400 ms`,
      `image localhost:${port}/html skipped: not a PNG, JPEG or WebP image`,
      'image (no path) skipped: neither a URL nor a path',
    ]);
  });
});

describe('fetching an image over HTTPS', () => {
  const openssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!openssl)('checks the certificate against the host name and accepts a trusted one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebut-tls-'));
    try {
      // A throwaway self-signed certificate for localhost, made offline.
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost',
        ],
        { stdio: 'ignore' },
      );
      const { readFile } = await import('node:fs/promises');
      const key = await readFile(join(dir, 'key.pem'));
      const cert = await readFile(join(dir, 'cert.pem'));
      const tls = createHttpsServer({ key, cert }, (_req, res) => res.end(png));
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      const address = tls.address();
      const tlsPort = typeof address === 'object' && address ? address.port : 0;
      try {
        const trusted = await fetchImage(
          { url: `https://localhost:${tlsPort}/ok.png` },
          policy({ allowHttp: false, ca: cert }),
        );
        expect(trusted.ok).toBe(true);
        const untrusted = await fetchImage(
          { url: `https://localhost:${tlsPort}/ok.png` },
          policy({ allowHttp: false }),
        );
        expect(untrusted.ok).toBe(false);
        expect(untrusted.ok ? '' : untrusted.reason).toMatch(/self.signed|certificate/i);
      } finally {
        tls.closeAllConnections();
        await new Promise((resolve) => tls.close(resolve));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('reading an image from a local path', () => {
  let root: string;
  let outside: string;

  beforeAll(async () => {
    const base = await mkdtemp(join(tmpdir(), 'rebut-images-'));
    root = join(base, 'images');
    outside = join(base, 'secret');
    await mkdir(join(root, 'designs'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(root, 'designs', 'one.png'), png);
    await writeFile(join(root, 'big.png'), Buffer.concat([png, Buffer.alloc(2_000_000)]));
    await writeFile(join(outside, 'secret.png'), png);
    await symlink(join(outside, 'secret.png'), join(root, 'designs', 'link.png'));
    await symlink(outside, join(root, 'linked-folder'));
  });

  it('reads a file under the root', async () => {
    const result = await fetchImage({ path: 'designs/one.png' }, policy({ localRoot: root }));
    expect(result.ok).toBe(true);
    expect((await fetchImage({ path: join(root, 'designs/one.png') }, policy({ localRoot: root }))).ok).toBe(true);
  });

  it('refuses to climb out with .. or an absolute path', async () => {
    for (const path of ['../secret/secret.png', 'designs/../../secret/secret.png', join(outside, 'secret.png')]) {
      expect(await fetchImage({ path }, policy({ localRoot: root }))).toEqual({
        ok: false,
        reason: 'path is outside the local image folder',
      });
    }
  });

  it('refuses a symlink, to a file or a folder, that leads outside the root', async () => {
    for (const path of ['designs/link.png', 'linked-folder/secret.png']) {
      expect(await fetchImage({ path }, policy({ localRoot: root }))).toEqual({
        ok: false,
        reason: 'path leads outside the local image folder through a link',
      });
    }
  });

  it('refuses local paths when no root is configured, and files over the cap', async () => {
    expect(await fetchImage({ path: 'designs/one.png' }, policy())).toEqual({
      ok: false,
      reason: 'local image paths are not enabled (no local root)',
    });
    expect(await fetchImage({ path: 'big.png' }, policy({ localRoot: root }))).toEqual({
      ok: false,
      reason: `file is ${png.byteLength + 2_000_000} bytes, over the 1000000-byte cap`,
    });
  });
});

describe('host and address rules', () => {
  it('match exact hosts and subdomains of a wildcard, never look-alikes', () => {
    const allowed = ['cdn.example.com', '*.images.example.org'];
    expect(hostAllowed('cdn.example.com', allowed)).toBe(true);
    expect(hostAllowed('CDN.Example.com.', allowed)).toBe(true);
    expect(hostAllowed('a.images.example.org', allowed)).toBe(true);
    expect(hostAllowed('a.b.images.example.org', allowed)).toBe(true);
    expect(hostAllowed('images.example.org', allowed)).toBe(false);
    expect(hostAllowed('evilimages.example.org', allowed)).toBe(false);
    expect(hostAllowed('cdn.example.com.evil.net', allowed)).toBe(false);
    expect(hostAllowed('xcdn.example.com', allowed)).toBe(false);
  });

  it('treat loopback, private, link-local and mapped addresses as private', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
    ]) {
      expect(isPrivateAddress(address)).toBe(true);
    }
    for (const address of ['::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:a00:1', '64:ff9b::a00:1']) {
      expect(isPrivateAddress(address)).toBe(true);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPrivateAddress(address)).toBe(false);
    }
  });
});
