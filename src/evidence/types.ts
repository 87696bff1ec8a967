import type { Artefact, Fact } from '../dispute/facts.js';

export { type Artefact, FACT_KINDS, type Fact, type FactKind } from '../dispute/facts.js';

/** What an evidence source returns: its facts and artefacts, or the problem that kept it from answering. */
export interface SourceResult {
  source: string;
  facts: Fact[];
  artefacts: Artefact[];
  /** Set when the source failed or timed out; the case goes on without it and shows this. */
  problem?: string;
}
