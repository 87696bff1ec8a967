import { describe, expect, it } from 'vitest';
import {
  CASE_STATES,
  type CaseState,
  CLOSABLE_STATES,
  DECIDED_STATE_OF,
  isDecidable,
  TRANSITIONS,
} from '../../src/dispute/states.js';
import { CLOSED_STATUSES } from '../../src/dispute/statuses.js';

describe("a case's life", () => {
  it('names only real states in its moves', () => {
    for (const [name, move] of Object.entries(TRANSITIONS)) {
      for (const state of [...move.from, ...move.to]) expect(CASE_STATES, name).toContain(state);
    }
  });

  it('lets every state but the decided ones be left, and every state be reached from new', () => {
    const reached = new Set<CaseState>(['new']);
    for (let size = 0; size !== reached.size; ) {
      size = reached.size;
      for (const move of Object.values(TRANSITIONS)) {
        if (move.from.some((state) => reached.has(state))) for (const state of move.to) reached.add(state);
      }
    }
    expect([...reached].sort()).toEqual([...CASE_STATES].sort());
    const left = new Set<CaseState>(Object.values(TRANSITIONS).flatMap((move) => move.from));
    expect(CASE_STATES.filter((state) => !left.has(state)).sort()).toEqual(['closed', 'lost', 'won']);
  });

  it('records each of Stripe’s closed statuses as a decided state, from any state a case can still leave', () => {
    expect(Object.keys(DECIDED_STATE_OF).sort()).toEqual([...CLOSED_STATUSES].sort());
    expect(TRANSITIONS.decided.from).toEqual(CLOSABLE_STATES);
  });

  it('lets a person or the timer decide only a case waiting for review or one that failed', () => {
    expect(CASE_STATES.filter(isDecidable)).toEqual(['awaiting_review', 'failed']);
  });
});
