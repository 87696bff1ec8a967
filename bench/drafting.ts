import { startOpenAiSandbox } from '../sandbox/openai/index.js';
import { draftRebuttal } from '../src/drafting/draft.js';
import { buildFactSheet } from '../src/drafting/fact-sheet.js';
import { checkGrounding } from '../src/drafting/grounding.js';
import { createLlmDrafter } from '../src/drafting/llm.js';
import { sampleContext, sampleFacts } from '../src/drafting/sample-case.js';
import { draftFromTemplate } from '../src/drafting/template.js';
import { percentile, report } from './support.js';

const MODEL_LATENCY_MS = Number(process.env.BENCH_MODEL_LATENCY_MS ?? 250);
const CONCURRENCY = 8;
const CASES = Number(process.env.BENCH_DRAFT_CASES ?? 200);

/**
 * Drafting: the overhead rebut adds around the model (fact sheet + grounding check, per case),
 * and cases drafted per second at concurrency 8 with the OpenAI stand-in answering at a fixed latency.
 */
export async function benchDrafting(): Promise<void> {
  const facts = sampleFacts();
  const context = sampleContext();
  const command = 'npm run bench -- drafting';

  // Overhead: build the sheet and check a real draft against it, as every LLM answer is.
  const draft = draftFromTemplate(buildFactSheet(facts, context));
  for (let i = 0; i < 200; i++) checkGrounding(draft.text, draft.citedFacts, buildFactSheet(facts, context));
  const times: number[] = [];
  for (let i = 0; i < 2_000; i++) {
    const started = performance.now();
    const sheet = buildFactSheet(facts, context);
    checkGrounding(draft.text, draft.citedFacts, sheet);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  report('drafting_overhead', 'p50', percentile(times, 50), 'ms', { facts: facts.length, command });
  report('drafting_overhead', 'p99', percentile(times, 99), 'ms', { facts: facts.length, command });

  const sandbox = await startOpenAiSandbox();
  sandbox.behave('slow', { delayMs: MODEL_LATENCY_MS });
  const llm = createLlmDrafter({
    apiKey: sandbox.apiKey,
    baseURL: sandbox.url,
    model: 'gpt-4.1-mini',
    timeoutMs: 20_000,
    maxRetries: 0,
  });
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CASES) {
        next++;
        const result = await draftRebuttal({ facts, context, examples: [], llm });
        if (!result.fallbackReason) accepted++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await sandbox.close();
  if (accepted !== CASES) throw new Error(`only ${accepted} of ${CASES} model drafts were accepted`);
  report('drafting_llm', 'throughput', CASES / seconds, 'cases/s', {
    concurrency: CONCURRENCY,
    modelLatencyMs: MODEL_LATENCY_MS,
    ceiling: (CONCURRENCY * 1000) / MODEL_LATENCY_MS,
    command,
  });
}
