import {
  EVIDENCE_TEXT_FIELDS,
  type EvidenceText,
  type EvidenceTextField,
  textLimitOf,
} from '../../dispute/evidence-fields.js';
import { MAX_SHORT_TEXT_CHARS, MAX_TOTAL_TEXT_CHARS } from '../../dispute/limits.js';
import { sanitizeText, truncateText } from './sanitize.js';

/** Addresses keep their line breaks; the other short fields are one line. */
const MULTILINE_SHORT_FIELDS: ReadonlySet<EvidenceTextField> = new Set(['billing_address', 'shipping_address']);

export interface Dropped {
  what: string;
  why: string;
  /**
   * Left out because the reason's playbook does not use it (a refund policy on a fraud dispute), not for lack of
   * room: listed on the packet's cover page, not in Slack, where it would be noise on every case.
   */
  byPlaybook?: true;
}

const TRUNCATION_MARK = ' … [truncated]';

/**
 * Sanitises each field, cuts it to its own limit, then, if all of them together pass
 * 150,000 characters, lowers the longest fields to one common cap (the short ones are untouched).
 */
export function fitTextFields(fields: Partial<Record<EvidenceTextField, string>>): {
  textFields: EvidenceText;
  dropped: Dropped[];
  chars: number;
} {
  const dropped: Dropped[] = [];
  const kept = new Map<EvidenceTextField, string>();
  for (const field of EVIDENCE_TEXT_FIELDS) {
    const raw = fields[field];
    if (raw === undefined) continue;
    const limit = textLimitOf(field);
    const clean = sanitizeText(raw, Number.MAX_SAFE_INTEGER, {
      singleLine: textLimitOf(field) === MAX_SHORT_TEXT_CHARS && !MULTILINE_SHORT_FIELDS.has(field),
      maxInput: limit * 4,
    });
    if (clean === '') continue;
    const cut = truncateText(clean, limit, TRUNCATION_MARK);
    if (cut !== clean) {
      dropped.push({
        what: `text field ${field}`,
        why: `cut from ${clean.length} to ${limit} characters (Stripe's limit)`,
      });
    }
    kept.set(field, cut);
  }

  let total = sum([...kept.values()].map((v) => v.length));
  if (total > MAX_TOTAL_TEXT_CHARS) {
    const cap = commonCap(
      [...kept.values()].map((v) => v.length),
      MAX_TOTAL_TEXT_CHARS,
    );
    for (const [field, value] of kept) {
      if (value.length <= cap) continue;
      kept.set(field, truncateText(value, cap, TRUNCATION_MARK));
      dropped.push({
        what: `text field ${field}`,
        why: `cut from ${value.length} to ${cap} characters to keep all text within ${MAX_TOTAL_TEXT_CHARS}`,
      });
    }
    total = sum([...kept.values()].map((v) => v.length));
  }

  const textFields: EvidenceText = {};
  for (const [field, value] of kept) textFields[field] = value;
  return { textFields, dropped, chars: total };
}

/** The largest cap c with Σ min(len, c) ≤ budget ("water filling"): the longest texts give way first. */
export function commonCap(lengths: readonly number[], budget: number): number {
  const sorted = [...lengths].sort((a, b) => a - b);
  let used = 0;
  for (let i = 0; i < sorted.length; i++) {
    const remaining = sorted.length - i;
    const fair = Math.floor((budget - used) / remaining);
    const length = sorted[i] ?? 0;
    if (length > fair) return fair;
    used += length;
  }
  return sorted.at(-1) ?? budget;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
