/** A packet thread whose builder throws, as the real one would on a bug. */
import { parentPort } from 'node:worker_threads';
import { servePackets } from '../../src/evidence/packet/thread-serve.js';

if (parentPort) {
  servePackets(parentPort, async (input) => {
    throw new RangeError(`cannot lay out dispute ${input.dispute.id}`);
  });
}
