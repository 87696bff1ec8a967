// `.env`: read the way dotenv reads it, with one trap named. dotenv starts a comment at any `#` of an unquoted
// value, so `SLACK_SIGNING_SECRET=ab#cd` reads as `ab`, and `KEY=#ab` as nothing ("missing"). A `#` after a
// space is a comment the author meant; a `#` inside a value almost never is.
import { existsSync, readFileSync } from 'node:fs';
import dotenv from 'dotenv';

/** A setting whose `.env` value dotenv cut at a `#`: what the line says, and what was read. */
export interface HashCut {
  name: string;
  line: number;
  read: string;
}

/** Lines of a `.env` text whose unquoted value has a `#` that is not after a space: dotenv cuts them there. */
export function hashCuts(text: string): HashCut[] {
  const cuts: HashCut[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const match = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)$/.exec(line);
    const [, name, value = ''] = match ?? [];
    if (!name || /^['"`]/.test(value)) return;
    const hash = value.indexOf('#');
    if (hash < 0 || (hash > 0 && /\s/.test(value[hash - 1] ?? ''))) return;
    cuts.push({ name, line: index + 1, read: value.slice(0, hash).trim() });
  });
  return cuts;
}

/** The cuts of the `.env` that was loaded, for `loadSettings` to report with the settings' other problems. */
export const envFileCuts: HashCut[] = [];

/** Loads `.env` (DOTENV_CONFIG_PATH, else ./.env) into the environment without overriding what is set. */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env): void {
  const path = env.DOTENV_CONFIG_PATH ?? '.env';
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  const parsed = dotenv.parse(text);
  for (const [name, value] of Object.entries(parsed)) {
    if (env[name] === undefined) env[name] = value;
  }
  // Only a value the environment took from the file was cut; one set in the environment itself was not.
  for (const cut of hashCuts(text)) {
    if (env[cut.name] === cut.read) envFileCuts.push(cut);
  }
}
