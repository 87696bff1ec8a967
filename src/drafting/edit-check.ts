import { checkClaims } from './claims.js';
import type { FactSheet } from './fact-sheet.js';
import { checkStatements, type GroundingFinding } from './grounding.js';
import { draftFromTemplate } from './template.js';

/**
 * A person's rebuttal goes through the same check as the model's. A person cites nothing, so each sentence may rest
 * on any fact on the sheet (its values must be there, and its meaning-carrying words); a sentence rebut wrote itself
 * from the facts (the template's) stands as it is. What fails is listed, not refused: a person may keep a claim
 * knowingly.
 */
export function checkEditedText(text: string, sheet: FactSheet): GroundingFinding[] {
  // The template at its usual length and unbounded: a shorter draft groups its facts under other headings.
  const own = new Set(
    [draftFromTemplate(sheet), draftFromTemplate(sheet, Number.POSITIVE_INFINITY)].flatMap((draft) =>
      sentences(draft.text),
    ),
  );
  const everyFact = sheet.facts.map((fact) => fact.ref);
  const findings = checkStatements(text, sheet);
  const written = sentences(text).filter((sentence) => !own.has(sentence));
  for (const finding of checkClaims(
    written.map((sentence) => ({ text: sentence, facts: everyFact })),
    sheet,
  )) {
    // Named by the sentence itself, for the person who wrote it (they are its author; nothing is quoted to the bank).
    const index = Number(/^statement (\d+)/.exec(finding.message)?.[1] ?? 0) - 1;
    const sentence = written[index] ?? '';
    if (finding.kind === 'unknown_fact') continue;
    findings.push({
      ...finding,
      message: `"${sentence.slice(0, 120)}": ${finding.message.replace(/^statement \d+ /, '')}`,
    });
  }
  return findings;
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}
