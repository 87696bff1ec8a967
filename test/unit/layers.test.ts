import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The layering of docs/architecture.md → "The layers", checked on every import in src/ (static and dynamic).
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

/** The domain: what rebut decides and does, free of Slack, HTTP and the job runner. */
const DOMAIN = ['cases/', 'evidence/', 'drafting/', 'triage/', 'sync/', 'stats/', 'prevention/'];
/** The edges that call the domain: listeners, routes, the runner and the handlers it runs, the composition root. */
const EDGES = ['slack/', 'http/', 'webhooks/', 'jobs/runner.ts', 'jobs/handlers.ts', 'main.ts', 'cli.ts', 'doctor/'];
/** Modules with no rebut imports of their own that storage may use. */
const LEAVES = ['log.ts', 'errors.ts', 'money.ts'];

interface Import {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of src/, as paths from src/ (`cases/submit.ts`); outside src/ they start with `../`. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)].map(
    (match) => match[1] ?? '',
  );
  return specifiers.map((specifier) => ({
    from: relative(src, file),
    to: relative(src, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts'),
  }));
}

const imports = sourceFiles(src).flatMap(importsOf);
const within = (path: string, areas: readonly string[]) => areas.some((area) => path.startsWith(area) || path === area);
const named = (found: Import[]) => found.map(({ from, to }) => `${from} → ${to}`);

describe('the layers', () => {
  it('finds the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(300);
    expect(imports).toContainEqual({ from: 'jobs/handlers.ts', to: 'cases/prepare.ts' });
  });

  it('nothing in src/ imports the sandbox, the tests or the benches', () => {
    expect(named(imports.filter(({ to }) => to.startsWith('../')))).toEqual([]);
  });

  it('the dispute vocabulary imports nothing of rebut but itself', () => {
    expect(named(imports.filter(({ from, to }) => from.startsWith('dispute/') && !to.startsWith('dispute/')))).toEqual(
      [],
    );
  });

  it('storage imports no domain module: only itself, the vocabulary and the leaves', () => {
    const allowed = ['db/', 'dispute/', ...LEAVES];
    expect(named(imports.filter(({ from, to }) => from.startsWith('db/') && !within(to, allowed)))).toEqual([]);
  });

  it('the domain never imports Slack, HTTP, the webhooks, the job runner or handlers, main or the CLI', () => {
    expect(named(imports.filter(({ from, to }) => within(from, DOMAIN) && within(to, EDGES)))).toEqual([]);
  });
});
