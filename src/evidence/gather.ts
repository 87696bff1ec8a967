import type { EvidenceConfig } from './config.js';
import { gatherConfigEvidence } from './sources/config.js';
import { type EvidenceContext, type EvidenceSource, errorMessage } from './sources/context.js';
import { gatherHttpEvidence } from './sources/http.js';
import { gatherSqlEvidence } from './sources/sql.js';
import { gatherStripeEvidence } from './sources/stripe.js';
import type { Artefact, Fact, SourceResult } from './types.js';

export type { EvidenceContext, EvidenceSource } from './sources/context.js';

/** Used when neither the source nor the evidence config names a timeout. */
export const DEFAULT_SOURCE_TIMEOUT_MS = 15_000;

export const stripeSource: EvidenceSource = { name: 'stripe', run: gatherStripeEvidence };
export const configSource: EvidenceSource = { name: 'config', run: gatherConfigEvidence };
export const sqlSource: EvidenceSource = { name: 'sql', run: gatherSqlEvidence };
export const httpSource: EvidenceSource = { name: 'http', run: gatherHttpEvidence };

/** The sources this business has set up: Stripe and its own config always, SQL and HTTP when configured. */
export function configuredSources(config: EvidenceConfig): EvidenceSource[] {
  return [stripeSource, configSource, ...(config.sql ? [sqlSource] : []), ...(config.http ? [httpSource] : [])];
}

export interface GatheredEvidence {
  facts: Fact[];
  artefacts: Artefact[];
  problems: { source: string; problem: string }[];
  /** Each source's own answer, in the order given. */
  results: SourceResult[];
}

function timeoutFor(source: EvidenceSource, config: EvidenceConfig): number {
  if (source.timeoutMs !== undefined) return source.timeoutMs;
  const configured = (config.sources as Record<string, { timeout: number } | undefined>)[source.name];
  return configured?.timeout ?? DEFAULT_SOURCE_TIMEOUT_MS;
}

/** Runs one source under its own deadline; whatever happens, it answers with a SourceResult. */
async function runSource(ctx: EvidenceContext, source: EvidenceSource): Promise<SourceResult> {
  const timeoutMs = timeoutFor(source, ctx.config);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<SourceResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('timed out'));
      resolve({ source: source.name, facts: [], artefacts: [], problem: `timed out after ${timeoutMs / 1000}s` });
    }, timeoutMs);
  });
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, controller.signal]) : controller.signal;
  const work = Promise.resolve()
    .then(() => source.run({ ...ctx, signal }))
    .catch(
      (error: unknown): SourceResult => ({
        source: source.name,
        facts: [],
        artefacts: [],
        problem: errorMessage(error),
      }),
    );
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks every source at once, each under its own timeout. A source that fails or runs out of
 * time is reported in `problems`; the case goes on with what the others found.
 */
export async function gatherEvidence(ctx: EvidenceContext, sources: EvidenceSource[]): Promise<GatheredEvidence> {
  const results = await Promise.all(sources.map((source) => runSource(ctx, source)));
  const facts: Fact[] = [];
  const artefacts: Artefact[] = [];
  const factIds = new Set<string>();
  const artefactIds = new Set<string>();
  const problems: { source: string; problem: string }[] = [];
  for (const [index, result] of results.entries()) {
    const name = sources[index]?.name ?? result.source;
    for (const fact of result.facts) {
      // Fact ids are the drafter's citations: the first with an id keeps it.
      if (factIds.has(fact.id)) continue;
      factIds.add(fact.id);
      facts.push(fact);
    }
    for (const artefact of result.artefacts) {
      if (artefactIds.has(artefact.id)) continue;
      artefactIds.add(artefact.id);
      artefacts.push(artefact);
    }
    if (result.problem) problems.push({ source: name, problem: result.problem });
  }
  return { facts, artefacts, problems, results };
}
