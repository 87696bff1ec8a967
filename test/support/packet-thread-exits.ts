/** A packet thread that dies on its first request, as a thread killed by running out of memory would. */
import { parentPort } from 'node:worker_threads';

parentPort?.postMessage({ ready: true });
parentPort?.on('message', () => process.exit(7));
