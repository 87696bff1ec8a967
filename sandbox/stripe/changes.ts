function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Stripe's `data.previous_attributes`: the old values of what changed, nested hashes reduced to
 * their changed keys (arrays and scalars are given whole).
 */
export function previousAttributes(before: object, after: object): Record<string, unknown> {
  const old = before as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
    const a = old[key];
    const b = now[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    changed[key] = isPlainObject(a) && isPlainObject(b) ? previousAttributes(a, b) : (a ?? null);
  }
  return changed;
}
