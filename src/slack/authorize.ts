// Who may decide cases: the user ids in SLACK_APPROVERS and the members of the user groups listed there.
// Group membership comes from usergroups.users.list, cached for a minute and dropped at once when Slack says the
// group changed (the subteam_members_changed event); when Slack cannot be asked, the answer is no (fail closed): a
// refused click can be repeated, a wrong submission cannot be undone.
import type { webApi } from '@slack/bolt';
import { audit } from '../db/audit.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../log.js';

export type Permission = { allowed: true } | { allowed: false; reason: string };

/**
 * How long a user group's member list is trusted before it is read again, when no event says it changed: someone
 * removed from the group may still decide for at most this long (README → Slack set-up).
 */
export const GROUP_CACHE_MS = 60_000;

export interface Approvers {
  /** The configured ids (users U…/W…, user groups S…). */
  readonly ids: readonly string[];
  /** May `userId` decide (a case of `product`: a product with its own approvers is decided by them only)? */
  check(userId: string, product?: string): Promise<Permission>;
  /** Forgets a group's cached members (Slack said they changed); every group without one. */
  forget(group?: string): void;
}

export interface ApproverOptions {
  client: Pick<webApi.WebClient, 'usergroups'>;
  ids: readonly string[];
  log: Logger;
  ttlMs?: number;
  clock?: () => number;
}

export function createApprovers(options: ApproverOptions): Approvers {
  const { client, ids, log } = options;
  const ttlMs = options.ttlMs ?? GROUP_CACHE_MS;
  const clock = options.clock ?? Date.now;
  const users = new Set(ids.filter((id) => !id.startsWith('S')));
  const groups = ids.filter((id) => id.startsWith('S'));
  const cache = new Map<string, { members: Set<string>; at: number }>();
  // One request per group at a time, however many clicks arrive together.
  const pending = new Map<string, Promise<Set<string>>>();

  async function members(group: string): Promise<Set<string>> {
    const cached = cache.get(group);
    if (cached && clock() - cached.at < ttlMs) return cached.members;
    const inFlight = pending.get(group);
    if (inFlight) return inFlight;
    const request = (async () => {
      try {
        const result = await client.usergroups.users.list({ usergroup: group });
        const set = new Set(result.users ?? []);
        cache.set(group, { members: set, at: clock() });
        return set;
      } finally {
        pending.delete(group);
      }
    })();
    pending.set(group, request);
    return request;
  }

  return {
    ids,
    forget(group) {
      if (group === undefined) cache.clear();
      else cache.delete(group);
    },
    async check(userId) {
      if (ids.length === 0) {
        return { allowed: false, reason: 'nobody may decide cases yet: SLACK_APPROVERS is empty' };
      }
      if (users.has(userId)) return { allowed: true };
      const failures: string[] = [];
      for (const group of groups) {
        try {
          if ((await members(group)).has(userId)) return { allowed: true };
        } catch (error) {
          log.warn({ err: error, usergroup: group }, `could not read the members of user group ${group}; refusing`);
          failures.push(group);
        }
      }
      if (failures.length > 0) {
        return {
          allowed: false,
          reason: `rebut could not check your membership of ${failures.map((g) => `<!subteam^${g}>`).join(', ')} just now; try again in a minute`,
        };
      }
      return { allowed: false, reason: 'you are not one of the approvers listed in SLACK_APPROVERS' };
    },
  };
}

/**
 * SLACK_APPROVERS, and for each product that lists its own (the products file's `slack.approvers`) those instead:
 * a case of that product is decided by its approvers only.
 */
export function productApprovers(
  options: Omit<ApproverOptions, 'ids'> & { ids: readonly string[]; byProduct: ReadonlyMap<string, readonly string[]> },
): Approvers {
  const fallback = createApprovers(options);
  const own = new Map([...options.byProduct].map(([product, ids]) => [product, createApprovers({ ...options, ids })]));
  return {
    ids: fallback.ids,
    check: (userId, product) => (product === undefined ? fallback : (own.get(product) ?? fallback)).check(userId),
    forget(group) {
      fallback.forget(group);
      for (const approvers of own.values()) approvers.forget(group);
    },
  };
}

/** The ephemeral answer to someone who may not decide. */
export function refusalText(reason: string, attempted: string): string {
  return `:no_entry: You cannot ${attempted}: ${reason}. Nothing was changed. An admin can add you (or your user group) to SLACK_APPROVERS.`;
}

/** Writes the refused attempt to `audit_log`, so a reviewer can see who tried what. */
export async function recordRefusal(
  pool: Pool,
  entry: { userId: string; attempted: string; reason: string; caseId?: number | undefined; detail?: object },
): Promise<void> {
  const caseExists =
    entry.caseId === undefined
      ? false
      : ((await pool.query('SELECT 1 FROM cases WHERE id = $1', [entry.caseId])).rowCount ?? 0) > 0;
  await audit(pool, {
    actor: `slack:${entry.userId}`,
    action: 'slack.refused',
    // A tampered or unknown case id is kept in the detail: the column is a foreign key.
    caseId: caseExists ? entry.caseId : null,
    detail: { attempted: entry.attempted, reason: entry.reason, caseId: entry.caseId ?? null, ...entry.detail },
  });
}
