#!/usr/bin/env node
// The `rebut` command in a checkout: runs the TypeScript sources through tsx (a dev dependency), so
// `npx rebut …` works straight after `npm install` with no build step. Deployed, `node dist/cli.js` runs the
// compiled build (`npm run build`) instead.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
