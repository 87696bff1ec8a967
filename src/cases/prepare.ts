import type Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { getCase, saveTriage, transitionCase } from '../db/cases.js';
import { type DisputeRow, getDispute } from '../db/disputes.js';
import { saveFacts, saveFiles } from '../db/evidence.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { type LanguageSetting, resolveLanguage } from '../dispute/language.js';
import { visaCe3FromFacts } from '../evidence/ce3.js';
import { type EvidenceConfig, policyInForceAt } from '../evidence/config.js';
import { configuredSources, gatherEvidence } from '../evidence/gather.js';
import { buildPacket, type Packet, type PacketDeliverable, type PacketInput } from '../evidence/packet/index.js';
import { applyPlaybook, type PlaybookOptions, type PlaybookResult } from '../evidence/playbook/index.js';
import type { BusinessDatabases } from '../evidence/sources/business-databases.js';
import { customerKeys } from '../evidence/sources/context.js';
import type { Artefact, Fact } from '../evidence/types.js';
import { localizeFacts } from '../i18n/facts.js';
import { queueDraft } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import { type ProductClients, stripeFor } from '../products/clients.js';
import { triage } from '../triage/index.js';
import { markNeedsAttention, SOURCE_ATTEMPTS } from './attention.js';
import { cardCountryOf } from './context.js';
import { leaveToSmartDisputes } from './smart-disputes.js';
import { stage } from './stage.js';
import { type StageObserver, stopwatch } from './timing.js';

/** Where a product's evidence comes from: its evidence file, its business database, its image rules. */
export interface ProductEvidence {
  evidence: EvidenceConfig;
  appDatabaseUrl?: string | undefined;
  fetchDeliverables: PrepareDeps['fetchDeliverables'];
  /** The product's language setting (dispute/language.ts): the files' own words are in it. Default English. */
  language?: LanguageSetting;
}

export interface PrepareDeps {
  pool: Pool;
  stripe: Stripe;
  /** Each product's Stripe client; with it, `evidenceOf` gives each product's evidence. */
  products?: ProductClients;
  /** A product's own evidence sources; without it, every dispute uses `evidence` and `appDatabaseUrl`. */
  evidenceOf?: (product: string) => ProductEvidence;
  log: Logger;
  evidence: EvidenceConfig;
  appDatabaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Measured win-rate lift per kind of evidence for a product's reason (from stats), once there is enough history. */
  effectiveness?: (product: string, reason: string) => Promise<PlaybookOptions['effectiveness'] | undefined>;
  /** Turns the deliverables' image references into bytes (allowed hosts, caps); failures become notes. */
  fetchDeliverables: (artefacts: Artefact[]) => Promise<{ deliverables: PacketDeliverable[]; notes: string[] }>;
  /** Builds the packet; the app passes its packet threads (`evidence/packet/threads.ts`). Default: this thread. */
  buildPacket?: (input: PacketInput) => Promise<Packet>;
  /** COUNTERED_FEES: the owner's countered fee per currency, over Stripe's published figures. */
  counteredFees?: Readonly<Record<string, number>>;
  /** SMART_DISPUTES of a product: `when_cheaper` leaves a chargeback to Stripe's Smart Disputes where that costs less. */
  smartDisputes?: (product: string) => 'off' | 'when_cheaper';
  /** Each step's duration, for the `rebut_case_stage_seconds` histogram (cases/timing.ts). */
  observeStage?: StageObserver;
  /** The app's connections to business databases (main.ts); without them the SQL source connects per case. */
  appDatabases?: BusinessDatabases;
  /** The language setting when no product's own is given (`evidenceOf`); default English. */
  language?: LanguageSetting;
}

/**
 * The `prepare-case` job: evidence sources → playbook → packet (fields and PDFs within Stripe's
 * limits) → triage → staged on Stripe (`submit: false`, `intended_submission_method: manual`).
 * Safe to run again after a crash: uploads carry idempotency keys and the rows are replaced.
 */
export async function prepareCase(deps: PrepareDeps, caseId: number, job: { attempts: number }): Promise<void> {
  const { pool, log } = deps;
  const watch = stopwatch(deps.observeStage);
  const caseRow = await getCase(pool, caseId);
  if (caseRow?.state !== 'new') return; // prepared already, or decided meanwhile
  const dispute = await getDispute(pool, caseRow.dispute_id);
  if (!dispute) throw new Error(`case ${caseId} has no dispute row`);
  // The dispute's product's own key, evidence file, business database and image rules: never another product's.
  const stripe = stripeFor(deps, dispute.product);
  const own = deps.evidenceOf?.(dispute.product);
  const evidence = own?.evidence ?? deps.evidence;
  const appDatabaseUrl = own ? own.appDatabaseUrl : deps.appDatabaseUrl;
  const fetchDeliverables = own?.fetchDeliverables ?? deps.fetchDeliverables;
  // The files are in the language the rebuttal will be in: the product's, or for auto the card issuer country's.
  const language = resolveLanguage(own ? own.language : deps.language, cardCountryOf(dispute));

  const gathered = await gatherEvidence(
    {
      dispute: dispute.stripe_object,
      stripe,
      stripeAccount: dispute.account ?? undefined,
      config: evidence,
      appDatabaseUrl,
      appDatabases: deps.appDatabases,
      env: deps.env,
    },
    configuredSources(evidence),
  );
  // The business's evidence is what the case stands on: a source that did not answer is asked again (the job retries)
  // rather than the case fought without it, and after a few tries the case is shown to a person, with Retry.
  const silent = gathered.results.filter((r) => r.problem && r.facts.length === 0 && r.artefacts.length === 0);
  if (silent.length > 0) {
    const cause = silent.map((result) => `${result.source}: ${result.problem}`).join('; ');
    if (job.attempts < SOURCE_ATTEMPTS) throw new Error(`an evidence source did not answer (${cause}); asking again`);
    await withTransaction(pool, (tx) =>
      markNeedsAttention(tx, caseId, `An evidence source did not answer (${cause}).`, { sources: silent.length }),
    );
    log.warn({ caseId, cause }, 'an evidence source did not answer; the case is shown as needing attention');
    return;
  }
  // Once enough decided disputes of the product exist, optional evidence is ordered by how much it has won there.
  const effectiveness = await deps.effectiveness?.(dispute.product, dispute.reason);
  // What goes to the bank reads the facts in its language (i18n/facts.ts), and so do the text fields the playbook
  // writes (i18n/text-fields.ts); triage and storage keep the facts in English.
  const localized = localizeFacts(gathered.facts, language);
  const playbook = applyPlaybook(dispute.reason, localized, evidence, {
    language,
    ...(effectiveness ? { effectiveness } : {}),
  });
  const history = await reasonHistory(pool, dispute.product, dispute.reason);
  const verdict = triage({
    dispute: dispute.stripe_object,
    checklist: playbook.checklist,
    notFought: playbook.notFought,
    facts: gathered.facts,
    history,
    ...(deps.counteredFees ? { counteredFees: deps.counteredFees } : {}),
  });
  const fieldOf = new Map<string, string>();
  for (const [field, ids] of Object.entries(playbook.fieldFacts)) for (const id of ids ?? []) fieldOf.set(id, field);
  const triageRecord = {
    decision: verdict.decision,
    reasons: verdict.reasons,
    gaps: verdict.gaps,
    breakEven: verdict.breakEven,
    winRate: verdict.winRate,
    paths: verdict.paths,
    inquiry: verdict.inquiry,
    strategy: playbook.strategy,
    checklist: playbook.checklist.map(({ item, found, weight }) => ({ item, found, weight })),
  };

  // Cheaper with Stripe's Smart Disputes, and the owner allows it: left to Smart Disputes, before any packet is built.
  const smartDisputes = deps.smartDisputes?.(dispute.product) ?? 'off';
  if (
    smartDisputes === 'when_cheaper' &&
    verdict.decision === 'fight' &&
    verdict.paths?.cheapest === 'smart_disputes'
  ) {
    const left = await leaveToSmartDisputes({ pool, stripe, log }, caseId, dispute, {
      triage: { ...triageRecord, missingSources: gathered.problems },
      facts: gathered.facts,
      fieldOf,
    });
    if (left !== 'not_available') return;
    verdict.reasons.push(
      "Stripe's Smart Disputes cannot answer this dispute (Stripe said so when asked): rebut answers it.",
    );
  }
  const images = await fetchDeliverables(gathered.artefacts.filter((artefact) => artefact.kind === 'image'));
  watch.lap('evidence');
  const packet = await (deps.buildPacket ?? buildPacket)({
    ...packetInputFor(dispute, evidence, localized, playbook, images),
    language,
  });
  watch.lap('packet');

  const enhanced = visaCe3FromFacts(
    dispute.stripe_object,
    gathered.facts,
    evidence.business.product_description,
    evidence.business.merchandise_or_services,
  );
  const staged = await stage(deps, dispute, caseId, packet, enhanced);
  watch.lap('stage');

  const problems = [...gathered.problems, ...images.notes.map((note) => ({ source: 'images', problem: note }))];
  await withTransaction(pool, async (tx) => {
    const moved = await transitionCase(tx, caseId, 'prepared');
    if (!moved) return;
    await saveFacts(tx, caseId, gathered.facts, fieldOf);
    await saveFiles(tx, caseId, staged.files);
    await saveTriage(tx, caseId, {
      ...triageRecord,
      missingSources: problems,
      dropped: packet.dropped,
      // Page 1's answer and points with where each is proved, so the rebuttal opens the same way (cases/context.ts).
      ...(packet.cover ? { cover: packet.cover.points.map(({ item, file, pages }) => ({ item, file, pages })) } : {}),
      ce3:
        staged.ce3 === 'staged' && enhanced
          ? { status: 'staged', matchedOn: enhanced.matchedOn, priorChargeIds: enhanced.priorChargeIds }
          : { status: staged.ce3 },
      totals: packet.totals,
    });
    await audit(tx, {
      actor: 'rebut',
      action: 'evidence.staged',
      caseId,
      disputeId: dispute.id,
      detail: {
        facts: gathered.facts.length,
        files: staged.files.length,
        totals: packet.totals,
        decision: verdict.decision,
        problems,
        timing: watch.laps,
      },
    });
    await queueDraft(tx, caseId);
  });
  log.info(
    {
      caseId,
      disputeId: dispute.id,
      facts: gathered.facts.length,
      files: staged.files.length,
      decision: verdict.decision,
    },
    'evidence staged on Stripe',
  );
}

/** What the packet is built from: the dispute, the business, the playbook's fields and the facts, as the packet reads them. */
function packetInputFor(
  dispute: DisputeRow,
  evidence: EvidenceConfig,
  facts: Fact[],
  playbook: PlaybookResult,
  images: { deliverables: PacketDeliverable[] },
): PacketInput {
  const paidOn = customerKeys(dispute.stripe_object).chargeAt.slice(0, 10);
  return {
    dispute: {
      id: dispute.id,
      reason: dispute.reason,
      amount: Number(dispute.amount),
      currency: dispute.currency,
      cardBrand: dispute.card_brand,
      created: new Date(dispute.created).toISOString(),
    },
    business: {
      name: evidence.business.name,
      productDescription: evidence.business.product_description,
      supportEmail: evidence.business.support_email,
      website: evidence.business.website,
    },
    textFields: playbook.textFields,
    timeline: [...facts].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '')),
    activity: facts.filter((fact) => fact.kind === 'activity'),
    deliverables: images.deliverables,
    receipt: receiptFacts(facts),
    refundReceipt: playbook.refundReceipt,
    policies: POLICY_KINDS.flatMap((kind) => {
      // The version in force when the customer paid; none when every version came later.
      const configured = evidence.policies[kind];
      const policy = configured && policyInForceAt(configured, paidOn);
      if (!policy) return [];
      const title = `${kind[0]?.toUpperCase()}${kind.slice(1)} policy`;
      return [{ kind, title, text: policy.text, shownAt: policy.shown_at.join(', ').replaceAll('_', ' ') }];
    }),
    fileFields: playbook.fileFields.map((plan) => plan.field),
    communications: facts.filter((fact) => fact.kind === 'communication'),
    // The checklist's order: the playbook's weights, or measured effectiveness once the product has the history.
    evidenceOrder: playbook.checklist.map((item) => item.id),
  };
}

/** The policies a packet can carry, in the order it shows them. */
const POLICY_KINDS = ['refund', 'cancellation', 'terms'] as const;

/** Stripe's records the receipt is read from: the charge and its card, the customer, the invoice and subscription. */
function receiptFacts(facts: Fact[]): Fact[] | null {
  const receipt = facts.filter(
    (fact) =>
      fact.kind === 'charge' || fact.kind === 'invoice' || fact.kind === 'subscription' || fact.kind === 'customer',
  );
  return receipt.length > 0 ? receipt : null;
}

/**
 * This business's decided disputes for a reason, for triage's win-rate arithmetic: the product's own, since another
 * product's customers, prices and evidence win at another rate.
 */
async function reasonHistory(pool: Pool, product: string, reason: string): Promise<{ decided: number; won: number }> {
  // From the running totals the stats triggers keep per product (0002_stats.sql, 0012), not a count over every dispute.
  const { rows } = await pool.query<{ decided: number; won: number }>(
    `SELECT coalesce(sum(disputes) FILTER (WHERE status IN ('won', 'lost')), 0)::int AS decided,
            coalesce(sum(disputes) FILTER (WHERE status = 'won'), 0)::int AS won
       FROM dispute_stats_monthly WHERE product = $1 AND reason = $2`,
    [product, reason],
  );
  return rows[0] ?? { decided: 0, won: 0 };
}

export type { PlaybookResult };
