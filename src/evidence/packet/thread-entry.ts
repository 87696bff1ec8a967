/** The module a packet thread runs (see `threads.ts`). */
import { parentPort } from 'node:worker_threads';
import { buildPacket } from './build.js';
import { servePackets } from './thread-serve.js';

if (!parentPort) throw new Error('thread-entry.ts runs as a worker thread only');
servePackets(parentPort, buildPacket);
