import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.js';
import { parsePdf } from '../unit/evidence-packet-support.js';

// `npm run demo` is `tsx sandbox/demo/cli.ts`; run the same from a scratch folder (tsx's loader by its path).
const demoCli = fileURLToPath(new URL('../../sandbox/demo/cli.ts', import.meta.url));
const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rebut-demo-test-'));
  // The demo's PostgreSQL runs as the "postgres" user, which must be able to pass through this folder.
  await chmod(work, 0o755);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** `npm run demo` in its own process, in a scratch folder (its data and demo-output/ land there). */
function demo(port: number, onLine?: (line: string, child: ChildProcess) => void) {
  const child = spawn(process.execPath, ['--import', tsxLoader, demoCli], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      REBUT_DATA_DIR: join(work, '.rebut'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().split('\n')) onLine?.(line, child);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, output })),
  );
}

describe('npm run demo', () => {
  it('runs the whole flow, also after a crash mid-demo and a second time in a row, starting clean each time', async () => {
    // A demo killed halfway (after the webhooks went out) leaves its PostgreSQL and files behind.
    const crashed = await demo(await freePort(), (line, child) => {
      if (line.includes('four signed charge.dispute.created webhooks')) child.kill('SIGKILL');
    });
    expect(crashed.signal).toBe('SIGKILL');

    for (let run = 1; run <= 2; run++) {
      const result = await demo(await freePort());
      expect(result.output, `run ${run}`).toContain(
        "Done: 4 submissions to Stripe (one per dispute, each with its product's key), 4 case messages (3 in #roomcraft-disputes, 1 in #snapwise-disputes)",
      );
      expect(result.code).toBe(0);
      // The story it tells is what happened: Alice's approval sent her edit, the timer only case 3.
      expect(result.output).toContain('case 2 → submitted by Alice, with the edited rebuttal (v2)');
      expect(result.output).toContain('case 3 → submitted by the timer');
      // Two products on one rebut: each dispute came in on its product's own route, Snapwise's decided by its approver.
      expect(result.output).toMatch(
        /\(Roomcraft, fraudulent, \$29\.00\) → \/stripe\/webhook\/roomcraft: HTTP 200, case 1/,
      );
      expect(result.output).toMatch(
        /\(Snapwise, product_unacceptable, \$39\.00\) → \/stripe\/webhook\/snapwise: HTTP 200, case 4/,
      );
      expect(result.output).toContain("case 4 → submitted by Bob with Snapwise's key");
      // Six months of Roomcraft's decided disputes came in through /disputes sync in its channel, with its key only.
      expect(result.output).toContain('300 new to rebut');
      expect(result.output).toMatch(
        /\d+ won and \d+ lost since \d{4}-\d{2}-\d{2} stored under roomcraft .* listed with Roomcraft's key only/,
      );
      // The stats count the history and the four cases.
      expect(result.output).toContain('304 disputes · 0 open');
      expect(result.output).toMatch(
        /early fraud warning → refunded \$9\.00 by the policy \(re_\w+\), one refund on Stripe/,
      );
      expect(result.output).toContain('1 early fraud warning: refunded 1 (0 became disputes)');
      expect(result.output).toMatch(/Outside rebut — \d+% .* of 300 decided/);
      // Its stdout is a pipe here: plain text, no colour codes.
      expect(result.output).not.toContain('\x1b[');
    }
    const caseTwo = await readFile(join(work, 'demo-output', 'case-2-product_not_received-final.json'), 'utf8');
    expect(caseTwo).not.toMatch(/automatically|nobody decided/i);
    const outputs = await readdir(join(work, 'demo-output'));
    expect(outputs.filter((name) => name.endsWith('.pdf')).length).toBeGreaterThanOrEqual(3);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'case-1-fraudulent-posted.json',
        'case-3-subscription_canceled-final.json',
        'case-4-product_unacceptable-final.json',
        'stats-chart.png',
      ]),
    );
    // Page 1 of each case's service documentation, drawn as the analyst first sees it.
    const covers = outputs.filter((name) => name.endsWith('-page1.png')).sort();
    expect(covers).toEqual([
      'case-1-fraudulent-page1.png',
      'case-2-product_not_received-page1.png',
      'case-3-subscription_canceled-page1.png',
      'case-4-product_unacceptable-page1.png',
    ]);
    for (const name of covers) {
      const png = await readFile(join(work, 'demo-output', name));
      expect(png.subarray(1, 4).toString(), name).toBe('PNG');
    }

    // Each channel as Slack holds it: Roomcraft's three cases in #roomcraft-disputes, Snapwise's one in its own only.
    const casesIn = async (channel: string) => {
      const messages = JSON.parse(await readFile(join(work, 'demo-output', `slack-${channel}.json`), 'utf8')) as {
        metadata?: { event_type?: string; event_payload?: { case_id?: number } };
      }[];
      return messages
        .filter((message) => message.metadata?.event_type === 'rebut_case')
        .map((message) => message.metadata?.event_payload?.case_id)
        .sort(); // in the order they were posted, which preparation times may swap
    };
    expect(await casesIn('roomcraft-disputes')).toEqual([1, 2, 3]);
    expect(await casesIn('snapwise-disputes')).toEqual([4]);

    // Each packet carries its own product's pictures: Snapwise's headshots (portrait) in case 4's, Roomcraft's room
    // designs (landscape) in case 1's.
    const packet = async (name: string) => parsePdf(await readFile(join(work, 'demo-output', name)));
    const headshots = await packet('case-4-product_unacceptable-service_documentation.pdf');
    const designs = await packet('case-1-fraudulent-service_documentation.pdf');
    expect(headshots.images.length).toBeGreaterThanOrEqual(8);
    expect(headshots.text).toMatch(/8 images of what the customer received/);
    expect(headshots.text).toMatch(/Headshot \d+: [A-Za-z ]+ backdrop/);
    const shapes = (pdf: typeof headshots) => [
      ...new Set(pdf.images.map((image) => (image.height > image.width ? 'portrait' : 'landscape'))),
    ];
    expect({ snapwise: shapes(headshots), roomcraft: shapes(designs) }).toEqual({
      snapwise: ['portrait'],
      roomcraft: ['landscape'],
    });
    expect(existsSync(join(work, '.rebut', 'demo', 'pg', 'postmaster.pid'))).toBe(false);
  }, 240_000);

  it('a port already in use gets a clear message naming the port and the setting', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '0.0.0.0', resolve));
    try {
      const result = await demo(port);
      expect(result.code).toBe(1);
      expect(result.output).toContain(`port ${port} is already in use`);
      expect(result.output).toContain('set PORT to another port');
    } finally {
      blocker.close();
    }
  }, 120_000);
});
