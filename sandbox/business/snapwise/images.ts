import sharp from 'sharp';
import { seededRandom } from '../images.js';

/**
 * Pictures of "generated" headshots for the second sample business, Snapwise: an SVG portrait (a studio backdrop,
 * shoulders in a jacket or top, a face, hair) rendered to PNG by sharp. Portrait-shaped (4:5, as headshots are),
 * unlike Roomcraft's landscape room designs, so a packet shows whose pictures it holds. The same seeds always draw
 * the same person in the same setting, and nothing is downloaded.
 */
export const HEADSHOT_WIDTH = 640;
export const HEADSHOT_HEIGHT = 800;

interface Backdrop {
  name: string;
  top: string;
  bottom: string;
  /** Out-of-focus lights behind the person (an office or a street at dusk); none in a plain studio. */
  bokeh?: string;
}

export const HEADSHOT_BACKDROPS: readonly Backdrop[] = [
  { name: 'Studio grey', top: '#b9bcc0', bottom: '#6f7378' },
  { name: 'Studio navy', top: '#3f5677', bottom: '#1c2736' },
  { name: 'Warm office', top: '#d9c3a5', bottom: '#8c6f52', bokeh: '#fff1d6' },
  { name: 'City at dusk', top: '#5c6f8f', bottom: '#2b2f45', bokeh: '#ffd58a' },
  { name: 'Garden', top: '#a9c48f', bottom: '#4d6b3c', bokeh: '#f3f7dc' },
];

const SKIN = ['#f3d3bd', '#e8b896', '#c98e68', '#a86f4c', '#7a4c33', '#5b3a28'];
const HAIR = ['#2b1d14', '#4a3020', '#7b5532', '#b48a55', '#d8c08f', '#1a1a1a', '#8d8d8d'];
export const HEADSHOT_ATTIRE: readonly { name: string; colour: string; light?: boolean }[] = [
  { name: 'charcoal suit', colour: '#23272f' },
  { name: 'navy blazer', colour: '#3a4a63' },
  { name: 'burgundy sweater', colour: '#6b2f3a' },
  { name: 'cream knit', colour: '#e9e6df', light: true },
  { name: 'forest-green jacket', colour: '#2f4f46' },
  { name: 'grey blazer', colour: '#5a5f66' },
];

function pick<T>(random: () => number, list: readonly T[]): T {
  const value = list[Math.floor(random() * list.length)] ?? list[0];
  if (value === undefined) throw new Error('an empty list');
  return value;
}

/** The setting of one shot, in words (what a pack's listing calls it): its first two draws, as in headshotSvg. */
export function headshotLookFor(shot: number): { backdrop: string; attire: string } {
  const random = seededRandom(shot);
  const backdrop = pick(random, HEADSHOT_BACKDROPS).name;
  return { backdrop, attire: pick(random, HEADSHOT_ATTIRE).name };
}

/**
 * One headshot as SVG; exported so the picture can be checked without decoding a PNG. A pack is one person
 * (`person`: skin, hair) in several settings (`shot`: backdrop, attire, pose, smile).
 */
export function headshotSvg(person: number, shot: number, width = HEADSHOT_WIDTH, height = HEADSHOT_HEIGHT): string {
  const looks = seededRandom(person);
  const skin = pick(looks, SKIN);
  const hair = pick(looks, HAIR);
  const longHair = looks() < 0.5;
  const random = seededRandom(shot);
  // The first two draws pick the backdrop and the attire, as in headshotLookFor.
  const backdrop = pick(random, HEADSHOT_BACKDROPS);
  const attire = pick(random, HEADSHOT_ATTIRE);
  const W = width;
  const H = height;
  const cx = W / 2 + (random() - 0.5) * W * 0.06;
  const headY = H * 0.4;
  const headRx = W * 0.16;
  const headRy = H * 0.165;
  const chin = headY + headRy;
  const shoulderY = H * 0.8;
  const bokeh = backdrop.bokeh
    ? Array.from({ length: 14 }, () => {
        const r = 14 + random() * 34;
        return `<circle cx="${(random() * W).toFixed(1)}" cy="${(random() * H * 0.7).toFixed(1)}" r="${r.toFixed(1)}" fill="${backdrop.bokeh}" opacity="${(0.12 + random() * 0.22).toFixed(2)}"/>`;
      }).join('')
    : '';
  const shoulders = `M ${cx - W * 0.42} ${H} L ${cx - W * 0.38} ${shoulderY - H * 0.04} Q ${cx - W * 0.3} ${chin + H * 0.07} ${cx - headRx * 0.45} ${chin + H * 0.06} L ${cx + headRx * 0.45} ${chin + H * 0.06} Q ${cx + W * 0.3} ${chin + H * 0.07} ${cx + W * 0.38} ${shoulderY - H * 0.04} L ${cx + W * 0.42} ${H} Z`;
  const eyeY = headY - headRy * 0.08;
  const eyeDx = headRx * 0.42;
  const smile = 8 + random() * 10;
  const hairBack = longHair
    ? `<path d="M ${cx - headRx * 1.15} ${headY - headRy * 0.2} Q ${cx - headRx * 1.3} ${chin + H * 0.12} ${cx - headRx * 0.9} ${chin + H * 0.16} L ${cx + headRx * 0.9} ${chin + H * 0.16} Q ${cx + headRx * 1.3} ${chin + H * 0.12} ${cx + headRx * 1.15} ${headY - headRy * 0.2} Z" fill="${hair}"/>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
  <defs>
    <radialGradient id="backdrop" cx="0.5" cy="0.35" r="0.8"><stop offset="0" stop-color="${backdrop.top}"/><stop offset="1" stop-color="${backdrop.bottom}"/></radialGradient>
    <linearGradient id="shade" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.5"/></linearGradient>
  </defs>
  <rect width="${W}" height="${H}" fill="url(#backdrop)"/>
  ${bokeh}
  ${hairBack}
  <rect x="${cx - headRx * 0.38}" y="${chin - headRy * 0.3}" width="${headRx * 0.76}" height="${H * 0.12}" fill="${skin}"/>
  <path d="${shoulders}" fill="${attire.colour}"/>
  <path d="${shoulders}" fill="url(#shade)"/>
  <path d="M ${cx - headRx * 0.45} ${chin + H * 0.06} L ${cx} ${chin + H * 0.2} L ${cx + headRx * 0.45} ${chin + H * 0.06} Z" fill="${attire.light ? '#9fb3c8' : '#f4f1ea'}"/>
  <ellipse cx="${cx - headRx}" cy="${headY + headRy * 0.05}" rx="${headRx * 0.14}" ry="${headRy * 0.2}" fill="${skin}"/>
  <ellipse cx="${cx + headRx}" cy="${headY + headRy * 0.05}" rx="${headRx * 0.14}" ry="${headRy * 0.2}" fill="${skin}"/>
  <ellipse cx="${cx}" cy="${headY}" rx="${headRx}" ry="${headRy}" fill="${skin}"/>
  <path d="M ${cx - headRx * 1.04} ${headY - headRy * 0.05} Q ${cx - headRx * 1.1} ${headY - headRy * 1.25} ${cx} ${headY - headRy * 1.12} Q ${cx + headRx * 1.1} ${headY - headRy * 1.25} ${cx + headRx * 1.04} ${headY - headRy * 0.05} Q ${cx + headRx * 0.8} ${headY - headRy * 0.7} ${cx + headRx * (0.1 + random() * 0.3)} ${headY - headRy * 0.62} Q ${cx - headRx * 0.6} ${headY - headRy * 0.72} ${cx - headRx * 1.04} ${headY - headRy * 0.05} Z" fill="${hair}"/>
  <path d="M ${cx - eyeDx - 16} ${eyeY - 18} q 16 -7 32 0" stroke="${hair}" stroke-width="5" fill="none" stroke-linecap="round"/>
  <path d="M ${cx + eyeDx - 16} ${eyeY - 18} q 16 -7 32 0" stroke="${hair}" stroke-width="5" fill="none" stroke-linecap="round"/>
  <ellipse cx="${cx - eyeDx}" cy="${eyeY}" rx="9" ry="6" fill="#fff"/>
  <ellipse cx="${cx + eyeDx}" cy="${eyeY}" rx="9" ry="6" fill="#fff"/>
  <circle cx="${cx - eyeDx}" cy="${eyeY}" r="4.5" fill="#2a211b"/>
  <circle cx="${cx + eyeDx}" cy="${eyeY}" r="4.5" fill="#2a211b"/>
  <path d="M ${cx} ${eyeY + 8} q -7 ${headRy * 0.3} 2 ${headRy * 0.34}" stroke="#000" stroke-opacity="0.25" stroke-width="3" fill="none" stroke-linecap="round"/>
  <path d="M ${cx - headRx * 0.32} ${headY + headRy * 0.5} q ${headRx * 0.32} ${smile} ${headRx * 0.64} 0" stroke="#8a3b36" stroke-width="5" fill="none" stroke-linecap="round"/>
</svg>`;
}

/** A PNG of one headshot, 640×800, the same bytes for the same person and shot. */
export async function renderHeadshot(
  person: number,
  shot: number,
  options: { width?: number; height?: number } = {},
): Promise<Buffer> {
  const svg = headshotSvg(person, shot, options.width ?? HEADSHOT_WIDTH, options.height ?? HEADSHOT_HEIGHT);
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer();
}
