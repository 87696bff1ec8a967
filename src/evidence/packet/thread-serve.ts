/**
 * What a packet thread (see `threads.ts`) does: builds the packets it is sent, one message each, and
 * hands the PDF bytes back without copying them. `thread-entry.ts` runs it with the real builder.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Packet, PacketInput } from './types.js';
import { warmUpPackets } from './warm-up.js';

export interface BuildRequest {
  id: number;
  input: PacketInput;
}

export type BuildReply =
  | { id: number; packet: Packet }
  | { id: number; error: { name: string; message: string; stack?: string } };

/** Sent once, when the thread has warmed up and builds at full speed. */
export interface ReadyMessage {
  ready: true;
}

/** Answers build requests on `port` with `build` (tests pass a builder that fails). */
export function servePackets(port: MessagePort, build: (input: PacketInput) => Promise<Packet>): void {
  const warm = warmUpPackets().then(() => port.postMessage({ ready: true } satisfies ReadyMessage));
  port.on('message', async ({ id, input }: BuildRequest) => {
    await warm;
    let reply: BuildReply;
    try {
      reply = { id, packet: await build(input) };
    } catch (error) {
      const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
      reply = { id, error: { name, message, ...(stack === undefined ? {} : { stack }) } };
    }
    port.postMessage(reply, 'packet' in reply ? ownBuffers(reply.packet.files.map((file) => file.bytes)) : []);
  });
}

/** Buffers that belong to one array each, so moving them to the other thread takes nothing from anything else. */
export function ownBuffers(arrays: readonly Uint8Array[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const bytes of arrays) {
    const { buffer } = bytes;
    if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) {
      buffers.add(buffer);
    }
  }
  return [...buffers];
}
