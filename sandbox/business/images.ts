import sharp from 'sharp';

/**
 * Pictures of "generated" room designs for the sample business: an SVG of a room (walls, floor,
 * window, art, rug, sofa, lamp, plant) rendered to PNG by sharp. The same seed always draws the
 * same room, so tests and the demo are repeatable and nothing is downloaded.
 */
export const DESIGN_IMAGE_WIDTH = 1024;
export const DESIGN_IMAGE_HEIGHT = 768;

/** Small, fast, seedable PRNG (mulberry32): the same seed gives the same room on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A stable 32-bit seed from any text (FNV-1a). */
export function seedFromText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

interface Palette {
  style: string;
  wall: string;
  floor: string;
  plank: string;
  sofa: string;
  cushion: string;
  rug: string;
  accent: string;
  shade: string;
  wood: string;
}

const LEAF_GREEN = '#4e7d46';

export const DESIGN_STYLES: readonly Palette[] = [
  {
    style: 'Scandinavian',
    wall: '#eceae4',
    floor: '#d9c29c',
    plank: '#c7ad84',
    sofa: '#9aa5ad',
    cushion: '#f4efe6',
    rug: '#e3ddd2',
    accent: '#6f8f7a',
    shade: '#f7f1e3',
    wood: '#b89468',
  },
  {
    style: 'Japandi',
    wall: '#e4ddd0',
    floor: '#b59a76',
    plank: '#a28763',
    sofa: '#c9bba3',
    cushion: '#6e6a5e',
    rug: '#d6cbb8',
    accent: '#4f5b4a',
    shade: '#efe6d6',
    wood: '#7a5c3e',
  },
  {
    style: 'Mid-century modern',
    wall: '#f1e3c8',
    floor: '#a86f43',
    plank: '#935f37',
    sofa: '#2f6f6a',
    cushion: '#e1a33b',
    rug: '#d67d3e',
    accent: '#c44b2b',
    shade: '#f6e0a8',
    wood: '#8a5a33',
  },
  {
    style: 'Industrial',
    wall: '#9c9a97',
    floor: '#5d5a57',
    plank: '#4d4a47',
    sofa: '#6b4a36',
    cushion: '#c8b49a',
    rug: '#3f4448',
    accent: '#b3542d',
    shade: '#2c2c2c',
    wood: '#3b2f27',
  },
  {
    style: 'Coastal',
    wall: '#e6f0f2',
    floor: '#e4d8c3',
    plank: '#d4c6ad',
    sofa: '#f3f1ea',
    cushion: '#4f84a6',
    rug: '#9cc3d5',
    accent: '#2f6d8c',
    shade: '#fbf8ef',
    wood: '#c9b28f',
  },
  {
    style: 'Boho',
    wall: '#ead7c3',
    floor: '#c08a5b',
    plank: '#ad7849',
    sofa: '#b5653f',
    cushion: '#e7c16a',
    rug: '#9b4f3c',
    accent: '#567d46',
    shade: '#f0d9a8',
    wood: '#8c5f3a',
  },
];

/** Shifts a #rrggbb colour's lightness by up to `amount` (−1…1), so rooms of one style still differ. */
function vary(hex: string, amount: number): string {
  const channel = (start: number) => {
    const value = Number.parseInt(hex.slice(start, start + 2), 16);
    const shifted = amount >= 0 ? value + (255 - value) * amount : value * (1 + amount);
    return Math.max(0, Math.min(255, Math.round(shifted)))
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}

export function designStyleFor(seed: number): string {
  const random = seededRandom(seed);
  return (DESIGN_STYLES[Math.floor(random() * DESIGN_STYLES.length)] ?? DESIGN_STYLES[0])?.style ?? 'Scandinavian';
}

/** The room as SVG; exported so the picture can be checked without decoding a PNG. */
export function roomDesignSvg(seed: number, width = DESIGN_IMAGE_WIDTH, height = DESIGN_IMAGE_HEIGHT): string {
  const random = seededRandom(seed);
  const base = DESIGN_STYLES[Math.floor(random() * DESIGN_STYLES.length)] ?? DESIGN_STYLES[0];
  if (!base) throw new Error('no design styles');
  const jitter = () => (random() - 0.5) * 0.16;
  const p: Palette = {
    ...base,
    wall: vary(base.wall, jitter()),
    floor: vary(base.floor, jitter()),
    sofa: vary(base.sofa, jitter() * 1.5),
    rug: vary(base.rug, jitter()),
  };
  const W = width;
  const H = height;
  const horizon = Math.round(H * (0.6 + random() * 0.05));
  const planks = Array.from({ length: 14 }, (_, i) => {
    const x = (i / 13) * W;
    const vanishX = W / 2 + (x - W / 2) * 0.55;
    return `<line x1="${vanishX.toFixed(1)}" y1="${horizon}" x2="${x.toFixed(1)}" y2="${H}" stroke="${p.plank}" stroke-width="2"/>`;
  }).join('');

  const windowX = Math.round(W * (0.08 + random() * 0.5));
  const windowW = Math.round(W * 0.22);
  const windowY = Math.round(H * 0.1);
  const windowH = Math.round(H * 0.34);
  const artX = windowX > W * 0.45 ? Math.round(W * 0.12) : Math.round(W * 0.66);
  const artW = Math.round(W * 0.16);
  const artH = Math.round(H * 0.17);
  const artY = Math.round(H * 0.16);
  const art = Array.from({ length: 3 }, () => {
    const cx = artX + 12 + random() * (artW - 24);
    const cy = artY + 12 + random() * (artH - 24);
    const r = 10 + random() * 26;
    const colour = [p.accent, p.cushion, p.sofa][Math.floor(random() * 3)] ?? p.accent;
    return `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${r.toFixed(1)}" fill="${colour}" opacity="0.85"/>`;
  }).join('');

  const sofaW = Math.round(W * (0.38 + random() * 0.08));
  const sofaX = Math.round(W * 0.5 - sofaW / 2 + (random() - 0.5) * W * 0.16);
  const sofaY = horizon - Math.round(H * 0.1);
  const sofaH = Math.round(H * 0.2);
  const arm = Math.round(sofaW * 0.08);
  const seatY = sofaY + Math.round(sofaH * 0.45);
  const lampLeft = sofaX > W * 0.35;
  const lampX = lampLeft ? sofaX - Math.round(W * 0.09) : sofaX + sofaW + Math.round(W * 0.09);
  const lampTop = Math.round(H * 0.3);
  const lampBase = horizon + Math.round(H * 0.08);
  const plantX = lampLeft
    ? Math.min(W - 90, sofaX + sofaW + Math.round(W * 0.08))
    : Math.max(90, sofaX - Math.round(W * 0.08));
  const plantY = horizon + Math.round(H * 0.07);
  const leaves = Array.from({ length: 7 }, (_, i) => {
    const angle = -75 + i * 25 + (random() - 0.5) * 10;
    return `<ellipse cx="${plantX}" cy="${plantY - 70}" rx="12" ry="48" fill="${vary(LEAF_GREEN, (random() - 0.5) * 0.4)}" transform="rotate(${angle.toFixed(1)} ${plantX} ${plantY - 30})"/>`;
  }).join('');

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
  <defs>
    <linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${vary(p.wall, 0.06)}"/><stop offset="1" stop-color="${vary(p.wall, -0.08)}"/></linearGradient>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8fc1e3"/><stop offset="1" stop-color="#e4f1f8"/></linearGradient>
    <radialGradient id="glow"><stop offset="0" stop-color="#fff3c4" stop-opacity="0.75"/><stop offset="1" stop-color="#fff3c4" stop-opacity="0"/></radialGradient>
  </defs>
  <rect width="${W}" height="${horizon}" fill="url(#wall)"/>
  <rect y="${horizon}" width="${W}" height="${H - horizon}" fill="${p.floor}"/>
  ${planks}
  <rect y="${horizon - 14}" width="${W}" height="14" fill="${vary(p.wall, -0.2)}"/>
  <rect x="${windowX - 8}" y="${windowY - 8}" width="${windowW + 16}" height="${windowH + 16}" fill="${p.wood}"/>
  <rect x="${windowX}" y="${windowY}" width="${windowW}" height="${windowH}" fill="url(#sky)"/>
  <line x1="${windowX + windowW / 2}" y1="${windowY}" x2="${windowX + windowW / 2}" y2="${windowY + windowH}" stroke="${p.wood}" stroke-width="6"/>
  <line x1="${windowX}" y1="${windowY + windowH / 2}" x2="${windowX + windowW}" y2="${windowY + windowH / 2}" stroke="${p.wood}" stroke-width="6"/>
  <rect x="${artX - 6}" y="${artY - 6}" width="${artW + 12}" height="${artH + 12}" fill="${p.wood}"/>
  <rect x="${artX}" y="${artY}" width="${artW}" height="${artH}" fill="${vary(p.cushion, 0.3)}"/>
  ${art}
  <ellipse cx="${sofaX + sofaW / 2}" cy="${horizon + Math.round(H * 0.2)}" rx="${Math.round(sofaW * 0.62)}" ry="${Math.round(H * 0.11)}" fill="${p.rug}"/>
  <ellipse cx="${sofaX + sofaW / 2}" cy="${horizon + Math.round(H * 0.2)}" rx="${Math.round(sofaW * 0.5)}" ry="${Math.round(H * 0.08)}" fill="none" stroke="${vary(p.rug, -0.15)}" stroke-width="4"/>
  <ellipse cx="${sofaX + sofaW / 2}" cy="${seatY + sofaH * 0.62}" rx="${sofaW * 0.52}" ry="14" fill="#000" opacity="0.12"/>
  <rect x="${sofaX + arm}" y="${sofaY}" width="${sofaW - 2 * arm}" height="${Math.round(sofaH * 0.55)}" rx="18" fill="${vary(p.sofa, -0.08)}"/>
  <rect x="${sofaX}" y="${seatY}" width="${sofaW}" height="${Math.round(sofaH * 0.5)}" rx="14" fill="${p.sofa}"/>
  <rect x="${sofaX}" y="${sofaY + Math.round(sofaH * 0.3)}" width="${arm}" height="${Math.round(sofaH * 0.68)}" rx="12" fill="${vary(p.sofa, -0.12)}"/>
  <rect x="${sofaX + sofaW - arm}" y="${sofaY + Math.round(sofaH * 0.3)}" width="${arm}" height="${Math.round(sofaH * 0.68)}" rx="12" fill="${vary(p.sofa, -0.12)}"/>
  <rect x="${sofaX + arm + 14}" y="${sofaY + 16}" width="${Math.round(sofaW * 0.16)}" height="${Math.round(sofaH * 0.32)}" rx="10" fill="${p.cushion}" transform="rotate(-6 ${sofaX + arm + 14} ${sofaY + 16})"/>
  <rect x="${sofaX + sofaW - arm - 14 - Math.round(sofaW * 0.16)}" y="${sofaY + 18}" width="${Math.round(sofaW * 0.16)}" height="${Math.round(sofaH * 0.32)}" rx="10" fill="${p.accent}" transform="rotate(6 ${sofaX + sofaW - arm} ${sofaY + 18})"/>
  <rect x="${sofaX + arm + 6}" y="${seatY + Math.round(sofaH * 0.5)}" width="10" height="18" fill="${p.wood}"/>
  <rect x="${sofaX + sofaW - arm - 16}" y="${seatY + Math.round(sofaH * 0.5)}" width="10" height="18" fill="${p.wood}"/>
  <circle cx="${lampX}" cy="${lampTop + 40}" r="150" fill="url(#glow)"/>
  <ellipse cx="${lampX}" cy="${lampBase}" rx="34" ry="9" fill="${vary(p.shade, -0.5)}"/>
  <line x1="${lampX}" y1="${lampBase}" x2="${lampX}" y2="${lampTop + 50}" stroke="${vary(p.shade, -0.55)}" stroke-width="6"/>
  <polygon points="${lampX - 34},${lampTop} ${lampX + 34},${lampTop} ${lampX + 56},${lampTop + 62} ${lampX - 56},${lampTop + 62}" fill="${p.shade}" stroke="${vary(p.shade, -0.2)}" stroke-width="2"/>
  <rect x="${plantX - 26}" y="${plantY - 34}" width="52" height="48" rx="6" fill="${vary(p.wood, 0.15)}"/>
  ${leaves}
</svg>`;
}

/** A PNG of one room design, ~1024×768, the same bytes for the same seed. */
export async function renderRoomDesign(
  seed: number,
  options: { width?: number; height?: number } = {},
): Promise<Buffer> {
  const svg = roomDesignSvg(seed, options.width ?? DESIGN_IMAGE_WIDTH, options.height ?? DESIGN_IMAGE_HEIGHT);
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer();
}
