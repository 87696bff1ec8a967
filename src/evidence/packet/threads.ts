/**
 * Packets are built on their own thread. Building one is CPU work (text shaping, font subsets,
 * compression): on the main thread it held up every other job and the webhook's acknowledgements,
 * and left the machine's second core mostly idle (README → Benchmarks).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../log.js';
import { buildPacket } from './build.js';
import { type BuildReply, type BuildRequest, ownBuffers, type ReadyMessage } from './thread-serve.js';
import type { Packet, PacketInput } from './types.js';
import { warmUpPackets } from './warm-up.js';

export interface PacketThreads {
  /** Threads building packets; 0 builds them on the calling thread. */
  readonly size: number;
  /** Resolves once every thread has started and warmed up (or failed to: the first build then says why). */
  ready(): Promise<void>;
  /**
   * Builds the packet. On a packet thread, the input's images are handed over, not copied: each image that owns its
   * whole buffer is empty afterwards on the calling thread, so a case's images are held once, not twice.
   */
  build(input: PacketInput): Promise<Packet>;
  /** Stops the threads; a build still running is rejected. */
  close(): Promise<void>;
}

/** One thread where there is a core to spare for it, none on a single core. */
export function defaultPacketThreads(): number {
  return availableParallelism() > 1 ? 1 : 0;
}

export interface PacketThreadOptions {
  threads: number;
  log?: Logger;
  /** The module a thread runs (tests use one that fails). Default `thread-entry.ts`. */
  entry?: URL;
}

interface Slot {
  worker: Worker | null;
  /** Settles when the thread has warmed up, failed or stopped. */
  started: Promise<void>;
  pending: Map<number, { resolve: (packet: Packet) => void; reject: (error: Error) => void }>;
}

export function startPacketThreads(options: PacketThreadOptions): PacketThreads {
  if (options.threads <= 0) {
    const warm = warmUpPackets();
    return {
      size: 0,
      ready: () => warm.then(() => {}),
      build: async (input) => {
        await warm;
        return buildPacket(input);
      },
      close: async () => {},
    };
  }

  // Compiled (the Docker image runs dist/), the entry is JavaScript and the thread needs no TypeScript loader.
  const compiled = import.meta.url.endsWith('.js');
  const entry = options.entry ?? new URL(compiled ? './thread-entry.js' : './thread-entry.ts', import.meta.url);
  const slots: Slot[] = Array.from({ length: options.threads }, () => ({
    worker: null,
    started: Promise.resolve(),
    pending: new Map(),
  }));
  let nextId = 0;
  let closed = false;

  const fail = (slot: Slot, error: Error) => {
    slot.worker = null;
    for (const { reject } of slot.pending.values()) reject(error);
    slot.pending.clear();
  };

  const spawn = (slot: Slot): Worker => {
    // The thread starts without this process's TypeScript loader: for a .ts entry it registers tsx first.
    const loader = entry.pathname.endsWith('.ts')
      ? `import(${JSON.stringify(tsxApiUrl())}).then((api) => (api.register ?? api.default.register)())`
      : 'Promise.resolve()';
    const boot = `${loader}
      .then(() => import(${JSON.stringify(entry.href)}))
      .catch((error) => { setImmediate(() => { throw error; }); });`;
    const worker = new Worker(boot, { eval: true });
    worker.unref(); // an idle thread never keeps the process alive
    let started: () => void = () => {};
    slot.started = new Promise((resolve) => {
      started = resolve;
    });
    worker.on('message', (reply: BuildReply | ReadyMessage) => {
      if ('ready' in reply) return started();
      const waiter = slot.pending.get(reply.id);
      if (!waiter) return;
      slot.pending.delete(reply.id);
      if ('packet' in reply) waiter.resolve(reply.packet);
      else waiter.reject(Object.assign(new Error(reply.error.message), reply.error));
    });
    worker.on('error', (error) => {
      started();
      options.log?.warn({ err: error }, 'a packet thread failed; the next packet starts a new one');
      fail(slot, new Error(`the packet thread failed while building: ${error.message}`));
    });
    worker.on('exit', (code) => {
      started();
      if (slot.worker === worker) fail(slot, new Error(`the packet thread stopped (exit code ${code}) while building`));
    });
    slot.worker = worker;
    return worker;
  };

  // Started now, so each thread has loaded and warmed up before the first packet.
  for (const slot of slots) spawn(slot);

  return {
    size: slots.length,
    ready: async () => {
      await Promise.all(slots.map((slot) => slot.started));
    },
    build(input) {
      if (closed) return Promise.reject(new Error('packet threads are closed'));
      // The least busy thread takes it.
      const slot = slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
      const worker = slot.worker ?? spawn(slot);
      const id = ++nextId;
      return new Promise<Packet>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        const request: BuildRequest = { id, input };
        worker.postMessage(
          request,
          ownBuffers(input.deliverables.flatMap(({ image }) => (image ? [image.bytes] : []))),
        );
      });
    },
    async close() {
      closed = true;
      await Promise.all(
        slots.map(async (slot) => {
          const worker = slot.worker;
          if (!worker) return;
          fail(slot, new Error('packet threads were closed while building'));
          await worker.terminate();
        }),
      );
    },
  };
}

let tsxApi: string | undefined;
/** tsx's `esm/api` for `import` (require() would resolve its CommonJS build), from its package's exports. */
function tsxApiUrl(): string {
  if (!tsxApi) {
    const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
    const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      exports: Record<string, { import?: { default?: string } }>;
    };
    const file = exports['./esm/api']?.import?.default;
    if (!file) throw new Error(`tsx at ${dirname(manifest)} has no esm/api export: reinstall with npm install`);
    tsxApi = pathToFileURL(join(dirname(manifest), file)).href;
  }
  return tsxApi;
}
