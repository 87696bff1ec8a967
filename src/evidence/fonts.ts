import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * DejaVu covers Latin, Greek, Cyrillic, Arabic, Hebrew and many symbols, so a customer's
 * name renders as written instead of as empty boxes; the files ship with the npm package.
 */
const ttfDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export const FONT_FILES = {
  regular: join(ttfDir, 'DejaVuSans.ttf'),
  bold: join(ttfDir, 'DejaVuSans-Bold.ttf'),
} as const;

export type FontName = keyof typeof FONT_FILES;
