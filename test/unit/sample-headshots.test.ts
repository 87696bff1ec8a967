import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { seedFromText } from '../../sandbox/business/images.js';
import {
  HEADSHOT_ATTIRE,
  HEADSHOT_BACKDROPS,
  HEADSHOT_HEIGHT,
  HEADSHOT_WIDTH,
  headshotLookFor,
  headshotSvg,
  renderHeadshot,
} from '../../sandbox/business/snapwise/index.js';

const person = seedFromText('priya.raman@example.com');
const shots = Array.from({ length: 8 }, (_, index) => seedFromText(`1:priya.raman@example.com:1:${index}`));
/** The face's fill: the third ellipse drawn (after the two ears) is the head, in the person's skin colour. */
const skinOf = (svg: string) => [...svg.matchAll(/<ellipse [^>]*fill="(#[0-9a-f]{6})"/g)][2]?.[1];

describe("Snapwise's sample headshots", () => {
  it('are portrait PNGs, the same bytes for the same person and shot', async () => {
    const png = await renderHeadshot(person, shots[0] ?? 0);
    const { width, height, format } = await sharp(png).metadata();
    expect({ width, height, format }).toEqual({ width: HEADSHOT_WIDTH, height: HEADSHOT_HEIGHT, format: 'png' });
    expect(height).toBeGreaterThan(width ?? Number.POSITIVE_INFINITY);
    expect(Buffer.compare(png, await renderHeadshot(person, shots[0] ?? 0))).toBe(0);
  });

  it('a pack shows one person in several settings, each named as the picture draws it', () => {
    const svgs = shots.map((shot) => headshotSvg(person, shot));
    expect(new Set(svgs.map(skinOf)).size).toBe(1);
    expect(new Set(svgs).size).toBe(shots.length);
    const looks = shots.map((shot) => headshotLookFor(shot));
    expect(new Set(looks.map((look) => `${look.backdrop}, ${look.attire}`)).size).toBeGreaterThan(1);
    // What the pack's listing (and so the evidence packet's captions) calls each shot is what it shows.
    for (const [index, look] of looks.entries()) {
      const backdrop = HEADSHOT_BACKDROPS.find((candidate) => candidate.name === look.backdrop);
      const attire = HEADSHOT_ATTIRE.find((candidate) => candidate.name === look.attire);
      expect(svgs[index]).toContain(`stop-color="${backdrop?.top}"`);
      expect(svgs[index]).toContain(`fill="${attire?.colour}"`);
    }
  });
});
