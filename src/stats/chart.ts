import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { count, intervalText, percent, windowInWords, words } from './format.js';
import { productGroup, type StatsScope } from './products.js';
import type { Group, Stats } from './summarise.js';
import { warningLines } from './warnings.js';

/**
 * The stats chart: win rate by month (bars with their 95% interval) and by reason, and with several products one
 * bar per product, drawn as SVG by a pure function and rasterised to PNG by sharp (librsvg) for Slack.
 */

export const CHART_WIDTH = 960;
/** The height without the products panel (one product, or one product of several). */
export const CHART_HEIGHT = 720;
/** The months drawn: two years is what a reader compares; older ones are in `rebut stats`. */
export const CHART_MONTHS = 24;
export const CHART_REASONS = 8;
export const CHART_PRODUCTS = 8;
/** Height of a bar's row in the products panel. */
const PRODUCT_ROW = 40;

const FONT = 'DejaVu Sans';
const INK = '#111827';
const MUTED = '#6b7280';
const GRID = '#e5e7eb';
const BAR = '#4f46e5';
const BAR_THIN = '#c7d2fe';
const WHISKER = '#1f2937';

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

function text(
  x: number,
  y: number,
  content: string,
  options: { size?: number; fill?: string; anchor?: 'start' | 'middle' | 'end'; weight?: 'bold' } = {},
): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="${FONT}" font-size="${options.size ?? 13}" fill="${
    options.fill ?? INK
  }" text-anchor="${options.anchor ?? 'start'}"${options.weight ? ` font-weight="${options.weight}"` : ''}>${escapeXml(content)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1): string {
  return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${stroke}" stroke-width="${width}"/>`;
}

function rect(x: number, y: number, width: number, height: number, fill: string): string {
  return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0, width).toFixed(1)}" height="${Math.max(0, height).toFixed(1)}" fill="${fill}"/>`;
}

/** Bars for samples this small are drawn pale: their interval is wider than the bar is tall. */
const THIN_SAMPLE = 10;

function monthPanel(months: Group[], top: number, height: number): string[] {
  const left = 70;
  const right = CHART_WIDTH - 30;
  const bottom = top + height;
  const parts = [
    text(left - 50, top - 16, 'Win rate by month (opened), with 95% interval', { size: 15, weight: 'bold' }),
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const y = bottom - tick * height;
    parts.push(
      line(left, y, right, y, GRID),
      text(left - 8, y + 4, `${tick * 100}%`, { size: 11, fill: MUTED, anchor: 'end' }),
    );
  }
  if (months.every((month) => month.rate === null)) {
    parts.push(
      text((left + right) / 2, top + height / 2, 'Nothing decided yet', { size: 14, fill: MUTED, anchor: 'middle' }),
    );
    return parts;
  }
  const slot = (right - left) / months.length;
  const barWidth = Math.max(4, Math.min(36, slot * 0.6));
  const labelEvery = Math.ceil(months.length / 12);
  months.forEach((month, index) => {
    const centre = left + slot * (index + 0.5);
    const [year = '', monthNumber = '1'] = month.key.split('-');
    if (month.rate !== null) {
      const barTop = bottom - month.rate * height;
      parts.push(
        rect(centre - barWidth / 2, barTop, barWidth, bottom - barTop, month.decided < THIN_SAMPLE ? BAR_THIN : BAR),
      );
      if (month.low !== null && month.high !== null) {
        const yLow = bottom - month.low * height;
        const yHigh = bottom - month.high * height;
        parts.push(
          line(centre, yLow, centre, yHigh, WHISKER, 1.5),
          line(centre - 4, yLow, centre + 4, yLow, WHISKER, 1.5),
          line(centre - 4, yHigh, centre + 4, yHigh, WHISKER, 1.5),
        );
      }
    } else {
      parts.push(text(centre, bottom - 4, '·', { size: 14, fill: MUTED, anchor: 'middle' }));
    }
    if (index % labelEvery === 0 || index === months.length - 1) {
      const name = MONTH_NAMES[Number(monthNumber) - 1] ?? monthNumber;
      parts.push(text(centre, bottom + 16, name, { size: 11, fill: MUTED, anchor: 'middle' }));
      if (index === 0 || monthNumber === '01')
        parts.push(text(centre, bottom + 30, year, { size: 11, fill: MUTED, anchor: 'middle' }));
    }
  });
  return parts;
}

/** Horizontal bars, one per group with something decided (at most `most`), with their 95% interval and sample. */
function barPanel(
  title: string,
  groups: Group[],
  label: (key: string) => string,
  most: number,
  top: number,
  height: number,
): string[] {
  const labelRight = 230;
  const left = labelRight + 12;
  const right = CHART_WIDTH - 170;
  const parts = [text(20, top - 16, title, { size: 15, weight: 'bold' })];
  const decided = groups.filter((group) => group.decided > 0).slice(0, most);
  if (decided.length === 0) {
    parts.push(
      text(CHART_WIDTH / 2, top + height / 2, 'Nothing decided yet', { size: 14, fill: MUTED, anchor: 'middle' }),
    );
    return parts;
  }
  for (const tick of [0, 0.5, 1]) {
    const x = left + tick * (right - left);
    parts.push(
      line(x, top, x, top + height, GRID),
      text(x, top + height + 14, `${tick * 100}%`, { size: 11, fill: MUTED, anchor: 'middle' }),
    );
  }
  const row = height / decided.length;
  const barHeight = Math.min(26, row * 0.62);
  decided.forEach((reason, index) => {
    const centre = top + row * (index + 0.5);
    const rate = reason.rate ?? 0;
    parts.push(
      text(labelRight, centre + 4, label(reason.key), { size: 13, anchor: 'end' }),
      rect(
        left,
        centre - barHeight / 2,
        rate * (right - left),
        barHeight,
        reason.decided < THIN_SAMPLE ? BAR_THIN : BAR,
      ),
    );
    if (reason.low !== null && reason.high !== null) {
      const xLow = left + reason.low * (right - left);
      const xHigh = left + reason.high * (right - left);
      parts.push(
        line(xLow, centre, xHigh, centre, WHISKER, 1.5),
        line(xLow, centre - 5, xLow, centre + 5, WHISKER, 1.5),
        line(xHigh, centre - 5, xHigh, centre + 5, WHISKER, 1.5),
      );
    }
    parts.push(
      text(right + 12, centre + 4, `${percent(reason.rate, 0)}  n=${count(reason.decided)}`, { size: 12, fill: MUTED }),
    );
  });
  return parts;
}

/** The products panel's height: a row per product drawn, at least two. */
function productsPanelHeight(scope: StatsScope): number {
  const drawn = (scope.products ?? []).filter((product) => product.stats.winRate.decided > 0).length;
  return Math.max(2, Math.min(CHART_PRODUCTS, drawn)) * PRODUCT_ROW;
}

/** The chart's height: with several products, the products panel below the others; then the prevention lines. */
export function chartHeight(scope: StatsScope = {}, stats?: Stats): number {
  const base = scope.products ? CHART_HEIGHT + 60 + productsPanelHeight(scope) : CHART_HEIGHT;
  const prevention = stats ? preventionLines(stats).length : 0;
  return prevention > 0 ? base + PREVENTION_HEADING + prevention * PREVENTION_LINE : base;
}

const PREVENTION_HEADING = 44;
const PREVENTION_LINE = 22;

/**
 * What never became a chargeback, or was answered another way, in words under the bars: early fraud warnings and
 * what became of them, inquiries closed without a chargeback, disputes left to Stripe's Smart Disputes and how they
 * ended. None of them: no panel.
 */
export function preventionLines(stats: Stats): string[] {
  const lines = stats.warnings ? warningLines(stats.warnings) : [];
  if (stats.inquiriesClosed > 0) {
    lines.push(
      `${count(stats.inquiriesClosed)} ${stats.inquiriesClosed === 1 ? 'inquiry' : 'inquiries'} closed without a chargeback.`,
    );
  }
  const smart = stats.byHandling.find((group) => group.key === 'smart_disputes');
  if (smart && smart.disputes > 0) {
    lines.push(
      `${count(smart.disputes)} left to Stripe's Smart Disputes: ${count(smart.won)} won, ${count(smart.lost)} lost, ${count(smart.disputes - smart.decided)} undecided.`,
    );
  }
  return lines;
}

/** The chart as SVG: a pure function of the stats (and, with several products, of each product's). */
export function statsChartSvg(stats: Stats, scope: StatsScope = {}): string {
  const overall = stats.winRate;
  const subtitle =
    overall.decided > 0
      ? `${windowInWords(stats)} · ${percent(overall.rate)} won (95% CI ${intervalText(overall)}) of ${count(overall.decided)} decided`
      : `${windowInWords(stats)} · nothing decided yet`;
  const height = chartHeight(scope, stats);
  const prevention = preventionLines(stats);
  const preventionTop = chartHeight(scope);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}">`,
    rect(0, 0, CHART_WIDTH, height, '#ffffff'),
    text(20, 34, scope.product ? `rebut — ${scope.product.name} — dispute win rate` : 'rebut — dispute win rate', {
      size: 20,
      weight: 'bold',
    }),
    text(20, 56, scope.products ? `${subtitle} · all products` : subtitle, { size: 13, fill: MUTED }),
    ...monthPanel(stats.byMonth.slice(-CHART_MONTHS), 110, 230),
    ...barPanel('Win rate by reason, with 95% interval', stats.byReason, words, CHART_REASONS, 440, 250),
    ...(scope.products
      ? barPanel(
          'Win rate by product, with 95% interval',
          scope.products.map(productGroup),
          (name) => name,
          CHART_PRODUCTS,
          CHART_HEIGHT + 40,
          productsPanelHeight(scope),
        )
      : []),
    ...(prevention.length > 0
      ? [
          text(20, preventionTop + 28, 'Prevented, or answered another way', { size: 15, weight: 'bold' }),
          ...prevention.map((entry, index) =>
            text(20, preventionTop + PREVENTION_HEADING + index * PREVENTION_LINE, entry, { size: 13 }),
          ),
        ]
      : []),
    '</svg>',
  ];
  return parts.join('\n');
}

/**
 * librsvg finds fonts through fontconfig; a slim server or container may have none, and then every
 * letter is an empty box. Point fontconfig at the DejaVu files shipped with the npm package (plus
 * the system's own configuration, when there is one) before the first chart is drawn.
 */
let fontsReady = false;
function ensureFonts(): void {
  if (fontsReady || process.env.FONTCONFIG_FILE) {
    fontsReady = true;
    return;
  }
  const fontDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const configDir = join(tmpdir(), `rebut-fontconfig-${process.getuid?.() ?? 'user'}`);
  mkdirSync(join(configDir, 'cache'), { recursive: true });
  const file = join(configDir, 'fonts.conf');
  writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${escapeXml(fontDir)}</dir>
  <cachedir>${escapeXml(join(configDir, 'cache'))}</cachedir>
</fontconfig>
`,
  );
  process.env.FONTCONFIG_FILE = file;
  fontsReady = true;
}

/** An SVG as a PNG at twice its size (sharp reads SVG at 72 dpi; 144 keeps text sharp on high-density screens). */
export async function rasterise(svg: string): Promise<Buffer> {
  ensureFonts();
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(svg), { density: 144 }).png({ compressionLevel: 9 }).toBuffer();
}

/** The chart as a PNG (for a Slack file upload). */
export async function renderStatsChart(stats: Stats, scope: StatsScope = {}): Promise<Buffer> {
  return rasterise(statsChartSvg(stats, scope));
}
