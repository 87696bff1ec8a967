import { afterEach, describe, expect, it } from 'vitest';
import { buildPacket } from '../../src/evidence/packet/index.js';
import { type PacketThreads, startPacketThreads } from '../../src/evidence/packet/threads.js';
import { deliverables, noisyPng, packetInput, parsePdf } from './evidence-packet-support.js';

const open: PacketThreads[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((threads) => threads.close()));
});
function threads(options: Parameters<typeof startPacketThreads>[0]): PacketThreads {
  const started = startPacketThreads(options);
  open.push(started);
  return started;
}

describe('packets built on a packet thread', () => {
  it('are the packets this thread builds: same files, pages, text and drops', async () => {
    const images = [await noisyPng(400, 300, 1), await noisyPng(300, 400, 2)];
    const input = packetInput({ deliverables: deliverables(6, images) });
    const pool = threads({ threads: 1 });
    await pool.ready();
    const [here, there] = await Promise.all([buildPacket(input), pool.build(structuredClone(input))]);

    expect(there.textFields).toEqual(here.textFields);
    expect(there.dropped).toEqual(here.dropped);
    expect(there.totals.pages).toBe(here.totals.pages);
    expect(there.files.map((f) => [f.field, f.filename, f.contentType, f.pages])).toEqual(
      here.files.map((f) => [f.field, f.filename, f.contentType, f.pages]),
    );
    for (const [i, file] of there.files.entries()) {
      expect(file.bytes).toBeInstanceOf(Uint8Array);
      const mine = parsePdf(here.files[i]?.bytes ?? new Uint8Array());
      const theirs = parsePdf(file.bytes);
      expect(theirs.pages.map((p) => [p.text, p.imageCount])).toEqual(mine.pages.map((p) => [p.text, p.imageCount]));
    }
  });

  it("takes the input's images over instead of copying them, and builds the same packet from them", async () => {
    const image = await noisyPng(400, 300, 4);
    const own = new Uint8Array(image); // one buffer per image, as fetched images are
    const input = packetInput({ deliverables: deliverables(3, [own]) });
    const copy = structuredClone(input);
    const pool = threads({ threads: 1 });
    const there = await pool.build(input);
    // Handed over: the calling thread no longer holds the image.
    expect(own.byteLength).toBe(0);
    expect(input.deliverables[0]?.image?.bytes.byteLength).toBe(0);
    const here = await buildPacket(copy);
    expect(parsePdf(there.files[0]?.bytes ?? new Uint8Array()).pages.map((p) => p.imageCount)).toEqual(
      parsePdf(here.files[0]?.bytes ?? new Uint8Array()).pages.map((p) => p.imageCount),
    );
    expect(there.totals.pages).toBe(here.totals.pages);
  });

  it('with two threads, answers each of five concurrent requests with its own packet', async () => {
    const pool = threads({ threads: 2 });
    const ids = ['du_A', 'du_B', 'du_C', 'du_D', 'du_E'];
    const packets = await Promise.all(
      ids.map((id) => {
        const input = packetInput();
        return pool.build({ ...input, dispute: { ...input.dispute, id } });
      }),
    );
    expect(packets.map((packet) => parsePdf(packet.files[0]?.bytes ?? new Uint8Array()).text)).toEqual(
      ids.map((id) => expect.stringContaining(id)),
    );
  });

  it("passes the builder's error on with its name and message, and the thread goes on", async () => {
    const throws = new URL('../support/packet-thread-throws.ts', import.meta.url);
    const pool = threads({ threads: 1, entry: throws });
    const input = packetInput();
    const failed = await pool.build(input).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    expect(failed).toMatchObject({ name: 'RangeError', message: `cannot lay out dispute ${input.dispute.id}` });
    await expect(pool.build(input)).rejects.toThrow(/cannot lay out/); // the same thread answered again
  });

  it('rejects the packets of a thread that died, naming it, and starts a new thread for the next', async () => {
    const exits = new URL('../support/packet-thread-exits.ts', import.meta.url);
    const pool = threads({ threads: 1, entry: exits });
    await expect(pool.build(packetInput())).rejects.toThrow(/packet thread stopped \(exit code 7\)/);
    await expect(pool.build(packetInput())).rejects.toThrow(/exit code 7/); // a new thread took it (and died too)
  });

  it('rejects what is still building when closed, and anything sent after', async () => {
    const pool = threads({ threads: 1 });
    const building = pool.build(packetInput({ deliverables: deliverables(40, [await noisyPng(800, 600, 3)]) }));
    const rejected = expect(building).rejects.toThrow(/closed while building/);
    await pool.close();
    await rejected;
    await expect(pool.build(packetInput())).rejects.toThrow(/closed/);
  });

  it('builds on the calling thread when set to 0 threads', async () => {
    const pool = threads({ threads: 0 });
    expect(pool.size).toBe(0);
    const packet = await pool.build(packetInput());
    expect(packet.files.length).toBeGreaterThan(0);
  });
});
