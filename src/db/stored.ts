import { z } from 'zod';
import { LANGUAGES } from '../dispute/language.js';

/**
 * The JSON rebut stores beside its rows, with the schema it is read back with (never `as`). Fields are optional
 * where rows written by an earlier version of rebut may lack them; lists default to empty.
 */

/** `cases.triage`: what preparing the case found (triage's verdict, the checklist, what failed or was left out). */
export const storedTriageSchema = z.object({
  decision: z.string().optional(),
  reasons: z.array(z.string()).default([]),
  gaps: z.array(z.object({ item: z.string(), weight: z.number() })).default([]),
  breakEven: z.number().nullable().optional(),
  winRate: z.object({ value: z.number(), sample: z.number(), used: z.boolean() }).optional(),
  /** Expected loss per path (triage/paths.ts), minor units; absent for inquiries, unknown fees and older cases. */
  paths: z
    .object({
      answer: z.number(),
      smartDisputes: z.number(),
      accept: z.number(),
      cheapest: z.enum(['answer', 'smart_disputes', 'accept']),
      winRate: z.number(),
    })
    .nullable()
    .optional(),
  /** For an inquiry: refunding now against answering (triage/paths.ts), minor units. */
  inquiry: z
    .object({ answer: z.number(), refund: z.number(), cheaper: z.enum(['answer', 'refund']), winRate: z.number() })
    .nullable()
    .optional(),
  strategy: z.string().optional(),
  checklist: z.array(z.object({ item: z.string(), found: z.boolean(), weight: z.number().optional() })).default([]),
  missingSources: z.array(z.object({ source: z.string(), problem: z.string() })).default([]),
  dropped: z.array(z.object({ what: z.string(), why: z.string(), byPlaybook: z.literal(true).optional() })).default([]),
  /** The cover page's points in order, each with the file (and pages) proving it: the rebuttal's opening points there. */
  cover: z
    .array(
      z.object({
        item: z.string(),
        file: z.string().nullable(),
        pages: z.tuple([z.number(), z.number()]).nullable(),
      }),
    )
    .optional(),
  ce3: z.object({ status: z.string() }).loose().optional(),
  totals: z.record(z.string(), z.unknown()).optional(),
});
export type StoredTriage = z.infer<typeof storedTriageSchema>;

/** `drafts.grounding`: what the grounding check said of a draft version, and how the draft came to be. */
export const storedGroundingSchema = z.object({
  ok: z.boolean().default(false),
  findings: z.array(z.object({ kind: z.string(), value: z.string().optional(), message: z.string() })).default([]),
  needsReview: z.boolean().default(false),
  fallbackReason: z.string().nullable().default(null),
  confidence: z.number().nullable().optional(),
  weaknesses: z.array(z.string()).default([]),
  /** The language the draft is written in (dispute/language.ts); absent on drafts from before languages: English. */
  language: z.enum(LANGUAGES).optional(),
  attempts: z
    .array(
      z.object({
        author: z.string(),
        outcome: z.string(),
        durationMs: z.number(),
        failure: z.string().nullable().optional(),
        /** A refused draft's text and why, for a person who asks to read it; never shown as a draft. */
        refusedText: z.string().optional(),
        refusedBecause: z.string().optional(),
        usage: z
          .object({
            model: z.string(),
            promptTokens: z.number(),
            completionTokens: z.number(),
            totalTokens: z.number(),
            costUsd: z.number().nullable(),
          })
          .nullable()
          .optional(),
      }),
    )
    .optional(),
});
export type StoredGrounding = z.infer<typeof storedGroundingSchema>;

/** Stored JSON as its schema reads it; a row the schema refuses is an error naming the column. */
export function readStored<T>(schema: z.ZodType<T>, column: string, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new Error(`stored ${column} does not read as expected: ${parsed.error.message}`);
  return parsed.data;
}
