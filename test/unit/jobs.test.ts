import { describe, expect, it } from 'vitest';
import { JOB_NAMES, JOBS, parsePayload } from '../../src/jobs/definitions.js';
import { jobSpecsSql } from '../../src/jobs/enqueue.js';

describe('the job table', () => {
  it('reads a case job payload, also with the case id as text (as graphile-worker may hand it over)', () => {
    expect(parsePayload('post-case', { caseId: 7 })).toEqual({ caseId: 7 });
    expect(parsePayload('draft-case', { caseId: '7' })).toEqual({ caseId: 7 });
  });

  it('reads a weekly digest’s ISO week and refuses anything else', () => {
    expect(parsePayload('post-digest', { week: '2026-W50' })).toEqual({ week: '2026-W50' });
    expect(() => parsePayload('post-digest', { week: '2026-12-07' })).toThrow(/job post-digest/);
  });

  it('refuses a payload its schema does not describe, naming the job', () => {
    expect(() => parsePayload('prepare-case', { n: 1 })).toThrow(/job prepare-case: payload \{"n":1\} is not valid/);
    expect(() => parsePayload('process-event', { eventId: '' })).toThrow(/job process-event/);
  });

  it('puts the jobs nearer a case’s end first, and posts on the one Slack channel queue', () => {
    const priorities = JOB_NAMES.map((name) => JOBS[name].priority);
    expect(JOBS['post-case'].priority).toBeLessThan(JOBS['draft-case'].priority);
    expect(JOBS['draft-case'].priority).toBeLessThan(JOBS['prepare-case'].priority);
    expect(JOBS['prepare-case'].priority).toBeLessThan(JOBS['process-event'].priority);
    expect(Math.min(...priorities)).toBe(JOBS['post-case'].priority);
    expect(JOBS['post-case'].queue).toBe(JOBS['remind-case'].queue);
    expect(JOBS['post-outcome'].queue).toBe(JOBS['post-case'].queue);
    expect(JOBS['post-digest'].queue).toBe(JOBS['post-case'].queue);
  });

  it('keys a batch of case jobs by case, and leaves event jobs unkeyed', () => {
    expect(jobSpecsSql('prepare-case', { from: 'opened', payload: 'caseId', column: 'id' }, 6).sql).toContain(
      `'prepare-case:' || job_rows.id`,
    );
    const events = jobSpecsSql('process-event', { from: 'stored', payload: 'eventId', column: 'id' }, 9);
    expect(events.sql).toContain("json_build_object('eventId', job_rows.id),\n");
    expect(events.sql).toMatch(/NULL, NULL, \$9, NULL, \$10,/);
    expect(events.params).toEqual([12, JOBS['process-event'].priority]);
    // A Slack job runs in its product's queue, named from its case's dispute.
    const posts = jobSpecsSql('post-outcome', { from: 'told', payload: 'caseId', column: 'id' }, 3);
    expect(posts.sql).toContain(
      "'slack-channel' || coalesce(':' || (SELECT d.product FROM cases c JOIN disputes d ON d.id = c.dispute_id WHERE c.id = (job_rows.id)::bigint), '')",
    );
  });
});
