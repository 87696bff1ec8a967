#!/usr/bin/env node
// The `rebut` command: runs the TypeScript sources through tsx (a runtime dependency), so
// `npx rebut …` works straight after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
