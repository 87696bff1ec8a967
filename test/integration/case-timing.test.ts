// Where a case's time went from webhook to Slack: each step on the case's audit trail and in the
// rebut_case_stage_seconds histogram, the waits between jobs from the database clock, and `/disputes show` saying it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import type { StripeSandbox } from '../../sandbox/stripe/index.js';
import { caseTimeline } from '../../src/cases/timing.js';
import { waitFor } from '../support/app.js';
import { disputePostedInSlack } from '../support/cases.js';
import type { TestDatabase } from '../support/db.js';
import { command, type SlackWorld, startSlackWorld, type TestApp } from '../support/slack.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: TestApp;

let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld({}, { webhook: true });
  ({ db, stripe, slack, app } = world);
});
afterAll(() => world?.stop());

describe("a case's time from webhook to Slack", () => {
  it('is on its audit trail step by step, adds up to the whole, is shown on request and measured', async () => {
    const { caseId, disputeId } = await disputePostedInSlack(stripe, db.pool, {
      reason: 'fraudulent',
      ip: '203.0.113.7',
    });
    const timeline = await waitFor(async () => {
      const read = await caseTimeline(db.pool, caseId);
      return read?.totalMs !== null ? read : undefined;
    });
    expect(timeline.segments.map((segment) => segment.what)).toEqual([
      'webhook to case (queue, re-reading the dispute)',
      'waiting for the evidence job',
      'evidence',
      'packet',
      'staging on Stripe',
      'waiting for the draft job',
      'rebuttal',
      'staging the rebuttal',
      'waiting to post',
      'posting',
    ]);
    const sum = timeline.segments.reduce((total, segment) => total + segment.ms, 0);
    expect(timeline.totalMs).toBeGreaterThan(0);
    // The parts are the whole, up to the rounding of each step to a millisecond.
    expect(Math.abs(sum - (timeline.totalMs ?? 0))).toBeLessThanOrEqual(10);
    const packet = timeline.segments.find((segment) => segment.what === 'packet');
    expect(packet?.ms).toBeGreaterThan(0);

    await command(app, slack, `show ${disputeId}`);
    const said = await waitFor(async () => slack.responses.find((answer) => answer.text?.startsWith(':stopwatch:')), {
      what: 'the timeline, on request',
    });
    expect(said.text).toMatch(
      /^:stopwatch: Webhook to Slack in \d+\.\d\d s: webhook to case .* posting \d+\.\d\d s\.$/,
    );

    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    for (const stage of ['evidence', 'packet', 'stage', 'draft', 'stage_rebuttal', 'post']) {
      expect(metrics).toMatch(new RegExp(`^rebut_case_stage_seconds_count\\{stage="${stage}"\\} [1-9]`, 'm'));
    }
  });
});
