/**
 * What rebut does on its own when a case's review window ends and nobody decided (docs/architecture.md → "When
 * rebut acts alone"). Triage decides, a person can overrule: a case triage says to fight is submitted; one it says
 * not to fight is conceded, left to a person or fought, as the owner set `UNWINNABLE_ACTION`; a case a person (or
 * triage, when its arithmetic is missing) handed to a person is left alone, with reminders, until someone decides.
 */
export type UnwinnableAction = 'accept' | 'hold' | 'submit';

export type ActionAlone = 'submit' | 'accept' | 'hold';

export interface CaseAtDeadline {
  /** Triage's decision (`fight`, `accept`, `do_not_fight`, `review`); null for a case prepared before triage. */
  decision: string | null;
  /** Someone stopped the timer for this case. */
  heldBy: string | null;
}

export function actionAlone(c: CaseAtDeadline, unwinnable: UnwinnableAction): ActionAlone {
  if (c.heldBy) return 'hold';
  switch (c.decision) {
    case 'accept':
    case 'do_not_fight':
      return unwinnable;
    case 'review':
      return 'hold';
    default:
      return 'submit';
  }
}
