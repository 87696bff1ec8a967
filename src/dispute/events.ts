/** The dispute events rebut works on: each re-reads the dispute. */
export const DISPUTE_EVENT_TYPES = [
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
] as const;

/** Radar's early fraud warnings (docs/architecture.md → "Early fraud warnings"): each re-reads the warning. */
export const WARNING_EVENT_TYPES = ['radar.early_fraud_warning.created', 'radar.early_fraud_warning.updated'] as const;

/** The events rebut works on; the webhook acknowledges and ignores the rest. */
export const HANDLED_EVENT_TYPES = [...DISPUTE_EVENT_TYPES, ...WARNING_EVENT_TYPES] as const;

export function isHandledEventType(type: string): boolean {
  return (HANDLED_EVENT_TYPES as readonly string[]).includes(type);
}

export function isWarningEventType(type: string): boolean {
  return (WARNING_EVENT_TYPES as readonly string[]).includes(type);
}
