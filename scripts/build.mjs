// `npm run build [-- OUT_DIR]`: the TypeScript in src/ compiled to JavaScript (default dist/), with the files it
// reads at run time (the SQL migrations) beside it. The Docker image runs this; `rebut` from a checkout runs the
// sources through tsx instead. OUT_DIR must sit in this repository, where node_modules and package.json are found.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const outDir = resolve(process.argv[2] ?? 'dist');
rmSync(outDir, { recursive: true, force: true });
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], { stdio: 'inherit' });
cpSync('src/db/migrations', join(outDir, 'db', 'migrations'), { recursive: true });
console.log(`built ${outDir}`);
