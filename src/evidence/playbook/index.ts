import type { Language } from '../../dispute/language.js';
import { type PlaybookReason, playbookReason } from '../../dispute/reasons.js';
import type { EvidenceConfig } from '../config.js';
import type { Fact } from '../types.js';
import { CaseFacts, str } from './case-facts.js';
import { isFound } from './checklist.js';
import { FILE_TITLES, fileFacts, REFUND_RECEIPT_TITLE } from './file-fields.js';
import {
  EVIDENCE_ITEMS,
  type EvidenceItem,
  PLAYBOOKS,
  type PlaybookFileField,
  type PlaybookTextField,
  type Strategy,
  type TextFields,
} from './plans.js';
import { buildTextField, capText } from './text-fields.js';

/**
 * Playbooks: for each dispute reason, which Stripe evidence fields to fill and from which facts,
 * which files to attach, and what evidence issuers look for (strongest first). Built from
 * Stripe's dispute-categories guidance for digital products. Pure: facts in, a plan out.
 * The plans are data (plans.ts); case-facts.ts reads the facts once; text-fields.ts and
 * file-fields.ts fill the fields; checklist.ts says which evidence items were found.
 */

export interface ChecklistItem {
  id: EvidenceItem;
  item: string;
  found: boolean;
  /** The weight the order was made from: the playbook's, or measured effectiveness when given. */
  weight: number;
  core: boolean;
}

export interface FileFieldPlan {
  field: PlaybookFileField;
  title: string;
  /** The facts the file shows, in time order. */
  factIds: string[];
  /** Images and documents that belong in it (deliverable images). */
  artefactIds: string[];
}

export interface PlaybookResult {
  reason: PlaybookReason;
  strategy: Strategy;
  textFields: TextFields;
  /** The facts each field was made from, so every field traces back to numbered facts. */
  fieldFacts: Partial<Record<PlaybookTextField | PlaybookFileField, string[]>>;
  fileFields: FileFieldPlan[];
  checklist: ChecklistItem[];
  /** Why evidence cannot win this reason (a payment the bank could not collect, a compliance case); null when it can. */
  notFought: string | null;
  /** The refunds made before the dispute, shown as a refund receipt on `field`, when they answer this reason's claim. */
  refundReceipt: { field: PlaybookFileField; refunds: Fact[] } | null;
}

export interface PlaybookOptions {
  /**
   * Measured effectiveness per evidence item for this reason (e.g. win rate with it, from
   * `stats`); when given, the checklist is ordered by it instead of the playbook's weights.
   */
  effectiveness?: Partial<Record<EvidenceItem, number>>;
  /** The language the bank reads the text fields in (docs/architecture.md → "The reader's language"); English by default. */
  language?: Language;
}

/**
 * The playbook for one dispute: the Stripe text fields filled from facts, the files wanted, the
 * evidence checklist (strongest first, or by measured effectiveness when given) and the strategy.
 */
export function applyPlaybook(
  reason: string,
  facts: Fact[],
  config: EvidenceConfig,
  options: PlaybookOptions = {},
): PlaybookResult {
  const playbook = playbookReason(reason);
  const plan = PLAYBOOKS[playbook];
  const c = new CaseFacts(facts);

  const textFields: TextFields = {};
  const fieldFacts: PlaybookResult['fieldFacts'] = {};
  for (const field of plan.text) {
    const built = buildTextField(field, c, config, options.language);
    if (!built?.text.trim()) continue;
    textFields[field] = capText(field, built.text);
    fieldFacts[field] = [...new Set(built.factIds)];
  }

  const fileFields: FileFieldPlan[] = [];
  for (const field of plan.files) {
    const shown = fileFacts(field, c, playbook);
    if (shown.length === 0) continue;
    const factIds = [...new Set(shown.map((fact) => fact.id))];
    const artefactIds = [
      ...new Set(shown.map((fact) => str(fact.data?.artefact_id)).filter((id): id is string => Boolean(id))),
    ];
    const title = field === plan.refundReceipt ? REFUND_RECEIPT_TITLE : FILE_TITLES[field];
    fileFields.push({ field, title, factIds, artefactIds });
    fieldFacts[field] = factIds;
  }

  // CE 3.0 is only worth listing (as found or missing) when Stripe marked the dispute eligible.
  const eligibleForCe3 = c.dispute?.data?.ce3_eligible === true;
  const checklist: ChecklistItem[] = [];
  for (const rule of plan.items) {
    if (rule.id === 'visa_ce3' && !eligibleForCe3) continue;
    const found = isFound(rule.id, c, textFields);
    if (rule.onlyWhenFound && !found) continue;
    checklist.push({
      id: rule.id,
      item: EVIDENCE_ITEMS[rule.id],
      found,
      weight: options.effectiveness?.[rule.id] ?? rule.weight,
      core: rule.core ?? false,
    });
  }
  // Array.prototype.sort is stable: equal weights keep the playbook's order.
  checklist.sort((a, b) => b.weight - a.weight);

  return {
    reason: playbook,
    strategy: plan.strategy,
    textFields,
    fieldFacts,
    fileFields,
    checklist,
    notFought: plan.notFought ?? null,
    refundReceipt:
      plan.refundReceipt && fieldFacts[plan.refundReceipt]
        ? { field: plan.refundReceipt, refunds: c.refundsBeforeDispute() }
        : null,
  };
}
