import type { Fact } from '../../src/evidence/types.js';

/** A fact as a source returns one: its id as its text, its source the id's first part. */
export const testFact = (id: string, kind: Fact['kind'], at: string | null, data: Fact['data'] = {}): Fact => ({
  id,
  kind,
  text: id,
  at,
  source: id.split('.')[0] ?? 'test',
  data,
});
