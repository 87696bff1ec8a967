import { benchDrafting } from './drafting.js';
import { benchEvidence } from './evidence.js';
import { benchFlow } from './flow.js';
import { benchMemory } from './memory.js';
import { benchStats } from './stats.js';
import { benchSync } from './sync.js';
import { benchWebhooks } from './webhook.js';

/** `npm run bench [-- name…]`: runs the named benchmarks (all by default), one JSON line per figure. */
const benches: Record<string, () => Promise<void>> = {
  webhook: benchWebhooks,
  evidence: benchEvidence,
  drafting: benchDrafting,
  flow: benchFlow,
  sync: benchSync,
  stats: benchStats,
  memory: benchMemory,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  await run();
}
