import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, waitFor } from './app.js';
import { ALICE, SIGNING_SECRET } from './slack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** `rebut <args>` as a user runs it (`bin/rebut.js`), with only the settings given: its exit code and output. */
export async function rebut(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/rebut.js', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: '/tmp', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

export interface AppProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `rebut serve` in its own process (so a test can SIGKILL it), on a free port, ready when /readyz says so. */
export async function spawnApp(
  env: Record<string, string>,
  port: number,
  options: { clockSkewMs?: number; entry?: string } = {},
): Promise<AppProcess> {
  let output = '';
  // A skewed clock: the process's every `new Date()` is off by this much (test/support/skewed-clock.mjs).
  const skew = options.clockSkewMs ? ['--import', './test/support/skewed-clock.mjs'] : [];
  // The sources through tsx, or a compiled entry (`dist/cli.js`, as the Docker image runs it).
  const entry = options.entry ? [options.entry] : ['--import', 'tsx', 'src/cli.ts'];
  const child = spawn(process.execPath, [...skew, ...entry, 'serve'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...(options.clockSkewMs ? { REBUT_TEST_CLOCK_SKEW_MS: String(options.clockSkewMs) } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`rebut exited early (${child.exitCode}):\n${output}`);
      return fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    { timeoutMs: 30_000, what: 'rebut serve to be ready' },
  );
  return {
    child,
    url,
    output: () => output,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * The settings of a `rebut serve` wired to this test's database and stand-ins, Alice approving, the timer ticking
 * every second; `overrides` for what the test is about.
 */
export function serveEnv(
  parts: { databaseUrl: string; stripeUrl: string; slack: { botToken: string; apiUrl: string } },
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: parts.databaseUrl,
    STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    STRIPE_API_URL: parts.stripeUrl,
    SLACK_BOT_TOKEN: parts.slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: parts.slack.apiUrl,
    SLACK_CHANNEL_ID: 'C0DISPUTES',
    SLACK_APPROVERS: ALICE,
    REBUT_TIMER_SCHEDULE: '* * * * * *',
    // The weekly digest would otherwise post on its day and hour in any test running then.
    REBUT_DIGEST_CHANNEL: 'off',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
}
