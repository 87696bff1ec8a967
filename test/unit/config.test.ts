import { describe, expect, it } from 'vitest';
import { LAST_SAFE_MARGIN_MS, reviewSchedule } from '../../src/cases/review-window.js';
import { ConfigError, digestSchedule, loadSettings, parseDuration, stripeKeyIsLive } from '../../src/config.js';
import { maskSecrets } from '../../src/log.js';

describe('settings', () => {
  it('defaults match the README', () => {
    const settings = loadSettings({});
    expect(settings.PORT).toBe(3000);
    expect(settings.REBUT_DATA_DIR).toBe('.rebut');
    expect(settings.REVIEW_WINDOW).toBe(48 * 3_600_000);
    expect(settings.SUBMIT_BUFFER).toBe(12 * 3_600_000);
    expect(settings.LOG_LEVEL).toBe('info');
    expect(settings.SLACK_APPROVERS).toEqual([]);
    expect(settings.MIN_REVIEW_TIME).toBe(3_600_000);
    expect(settings.UNWINNABLE_ACTION).toBe('accept');
    expect(settings.COUNTERED_FEES).toEqual({});
    expect(settings.LLM_REQUEST_TIMEOUT).toBe(20_000);
    expect(settings.DRAFT_TIMEOUT).toBe(30_000);
    expect(loadSettings({ LLM_REQUEST_TIMEOUT: '2m', DRAFT_TIMEOUT: '5m' }).DRAFT_TIMEOUT).toBe(300_000);
  });

  it('early fraud warnings: 24 h for a person, refunds up to one dispute fee, 80% become disputes, subscriptions kept', () => {
    expect(loadSettings({})).toMatchObject({
      EFW_REVIEW_WINDOW: 24 * 3_600_000,
      EFW_REFUND_UP_TO_FEES: 1,
      EFW_DISPUTE_RATE: 0.8,
      EFW_CANCEL_SUBSCRIPTIONS: false,
    });
    expect(
      loadSettings({ EFW_REVIEW_WINDOW: '2h', EFW_REFUND_UP_TO_FEES: '0', EFW_CANCEL_SUBSCRIPTIONS: 'true' }),
    ).toMatchObject({ EFW_REVIEW_WINDOW: 7_200_000, EFW_REFUND_UP_TO_FEES: 0, EFW_CANCEL_SUBSCRIPTIONS: true });
    expect(() => loadSettings({ EFW_DISPUTE_RATE: '1.5' })).toThrow(/EFW_DISPUTE_RATE/);
    expect(() => loadSettings({ EFW_REFUND_UP_TO_FEES: '-1' })).toThrow(/EFW_REFUND_UP_TO_FEES/);
    expect(() => loadSettings({ EFW_CANCEL_SUBSCRIPTIONS: 'yes' })).toThrow(
      /EFW_CANCEL_SUBSCRIPTIONS: expected true or false/,
    );
  });

  it("the rebuttal is 1,500 characters unless REBUT_REBUTTAL_MAX_CHARS says otherwise, within Stripe's limit", () => {
    expect(loadSettings({}).REBUT_REBUTTAL_MAX_CHARS).toBe(1_500);
    expect(loadSettings({ REBUT_REBUTTAL_MAX_CHARS: '2500' }).REBUT_REBUTTAL_MAX_CHARS).toBe(2_500);
    for (const wrong of ['90', '25000', '1.5k']) {
      expect(() => loadSettings({ REBUT_REBUTTAL_MAX_CHARS: wrong })).toThrow(
        /REBUT_REBUTTAL_MAX_CHARS: expected a number of characters from 500 to 20,000/,
      );
    }
  });

  it('serve without its settings names every missing one, with where to find it, in one message', () => {
    let error: unknown;
    try {
      loadSettings({}, 'serve');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('STRIPE_SECRET_KEY: missing (Stripe dashboard');
    expect(message).toContain('STRIPE_WEBHOOK_SECRET: missing');
    expect(message).toContain('SLACK_CHANNEL_ID: missing');
    expect(message).toContain('SLACK_BOT_TOKEN: missing');
    expect(message).toContain('SLACK_SIGNING_SECRET: missing');
    expect(message).toContain('5 settings need attention');
  });

  it('serve without Slack is refused, naming REBUT_HEADLESS as the way to run without it on purpose', () => {
    const serving = {
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_WEBHOOK_SECRET: 'whsec_123',
      SLACK_CHANNEL_ID: 'C0DISPUTES',
    };
    expect(() => loadSettings(serving, 'serve')).toThrow(/SLACK_BOT_TOKEN: missing \(.*REBUT_HEADLESS=true/);
    expect(() => loadSettings({ ...serving, REBUT_HEADLESS: 'false' }, 'serve')).toThrow(/SLACK_BOT_TOKEN: missing/);
    expect(loadSettings({ ...serving, REBUT_HEADLESS: 'true' }, 'serve').REBUT_HEADLESS).toBe(true);
    expect(loadSettings(serving).REBUT_HEADLESS).toBe(false);
    expect(() => loadSettings({ ...serving, REBUT_HEADLESS: 'yes' }, 'serve')).toThrow(
      /REBUT_HEADLESS: expected true or false/,
    );
  });

  it(".env.example's placeholders copied unchanged are named as such, not as malformed or missing", () => {
    const error = (() => {
      try {
        loadSettings(
          {
            STRIPE_SECRET_KEY: 'rk_test_...',
            STRIPE_WEBHOOK_SECRET: 'whsec_...',
            SLACK_BOT_TOKEN: 'xoxb-...',
            SLACK_SIGNING_SECRET: '...',
            SLACK_CHANNEL_ID: 'C0123456789',
          },
          'serve',
        );
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error?.problems).toHaveLength(5);
    for (const name of [
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_CHANNEL_ID',
    ]) {
      expect(error?.problems).toContainEqual(expect.stringMatching(new RegExp(`^${name}: still the example value`)));
    }
  });

  it('a malformed setting does not hide the missing ones', () => {
    const error = (() => {
      try {
        loadSettings({ PORT: 'eighty' }, 'serve');
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error?.problems).toContainEqual(expect.stringMatching(/^PORT: /));
    expect(error?.problems).toContainEqual(expect.stringMatching(/^STRIPE_SECRET_KEY: missing/));
    expect(error?.problems).toContainEqual(expect.stringMatching(/^SLACK_BOT_TOKEN: missing/));
    expect(error?.problems).toHaveLength(6);
  });

  it('a DATABASE_URL without its postgres:// scheme is refused, though it parses as a URL', () => {
    expect(() => loadSettings({ DATABASE_URL: 'localhost:5432/rebut' })).toThrow(
      /DATABASE_URL: expected a postgres:\/\/ URL/,
    );
    expect(loadSettings({ DATABASE_URL: 'postgresql://rebut@db:5432/rebut' }).DATABASE_URL).toBe(
      'postgresql://rebut@db:5432/rebut',
    );
  });

  it('malformed settings are each named with what was expected', () => {
    expect(() =>
      loadSettings({
        PORT: 'eighty',
        REVIEW_WINDOW: 'two days',
        STRIPE_SECRET_KEY: 'pk_test_123',
        SLACK_CHANNEL_ID: '#disputes',
        SLACK_APPROVERS: 'U123,alice',
        DATABASE_URL: 'not a url',
      }),
    ).toThrowError(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringMatching(/^PORT: /),
          'REVIEW_WINDOW: expected a duration such as 48h, got "two days"',
          expect.stringMatching(/^STRIPE_SECRET_KEY: expected a key starting sk_test_/),
          expect.stringMatching(/^SLACK_CHANNEL_ID: expected a channel id/),
          expect.stringMatching(/^SLACK_APPROVERS: expected user ids/),
          expect.stringMatching(/^DATABASE_URL: expected a postgres:\/\/ URL/),
        ]),
      }),
    );
  });

  it('REBUT_PACKET_THREADS: unset leaves the default to the machine, 0 and 2 are taken, others are named', () => {
    expect(loadSettings({}).REBUT_PACKET_THREADS).toBeUndefined();
    expect(loadSettings({ REBUT_PACKET_THREADS: '' }).REBUT_PACKET_THREADS).toBeUndefined();
    expect(loadSettings({ REBUT_PACKET_THREADS: '0' }).REBUT_PACKET_THREADS).toBe(0);
    expect(loadSettings({ REBUT_PACKET_THREADS: '2' }).REBUT_PACKET_THREADS).toBe(2);
    for (const bad of ['-1', 'two', '1.5', '99']) {
      expect(() => loadSettings({ REBUT_PACKET_THREADS: bad })).toThrowError(
        expect.objectContaining({
          problems: [expect.stringMatching(/^REBUT_PACKET_THREADS: expected a whole number of threads from 0 to 16/)],
        }),
      );
    }
  });

  it('REBUT_LANGUAGE: English by default, a language or auto as written (any case), anything else refused', () => {
    expect(loadSettings({}).REBUT_LANGUAGE).toBe('en');
    for (const value of ['en', 'fr', 'de', 'es', 'auto'])
      expect(loadSettings({ REBUT_LANGUAGE: value }).REBUT_LANGUAGE).toBe(value);
    expect(loadSettings({ REBUT_LANGUAGE: 'FR' }).REBUT_LANGUAGE).toBe('fr');
    expect(() => loadSettings({ REBUT_LANGUAGE: 'pt' })).toThrow(
      "REBUT_LANGUAGE: expected en, fr, de, es, or auto (the language of the card issuer's country)",
    );
  });

  it('acting alone: MIN_REVIEW_TIME, UNWINNABLE_ACTION and COUNTERED_FEES read as written, with clear refusals', () => {
    const settings = loadSettings({
      MIN_REVIEW_TIME: '30m',
      UNWINNABLE_ACTION: 'hold',
      COUNTERED_FEES: 'chf:25.00, JPY=1500',
    });
    expect(settings.MIN_REVIEW_TIME).toBe(30 * 60_000);
    expect(settings.UNWINNABLE_ACTION).toBe('hold');
    expect(settings.COUNTERED_FEES).toEqual({ chf: 2_500, jpy: 1_500 });
    expect(() => loadSettings({ UNWINNABLE_ACTION: 'fight' })).toThrow(/UNWINNABLE_ACTION: /);
    expect(() => loadSettings({ COUNTERED_FEES: 'chf 25' })).toThrow(
      'COUNTERED_FEES: expected currency:amount pairs such as chf:25.00, got "chf 25"',
    );
  });

  it('the weekly digest: Monday 09:00 UTC in the case channel by default, its own channel, or off', () => {
    expect(digestSchedule(loadSettings({ SLACK_CHANNEL_ID: 'C0DISPUTES' }))).toEqual({
      day: 'monday',
      hour: 9,
      channel: 'C0DISPUTES',
    });
    expect(
      digestSchedule(
        loadSettings({
          SLACK_CHANNEL_ID: 'C0DISPUTES',
          REBUT_DIGEST_CHANNEL: 'C0WEEKLY01',
          REBUT_DIGEST_DAY: 'Friday',
          REBUT_DIGEST_HOUR: '17',
        }),
      ),
    ).toEqual({ day: 'friday', hour: 17, channel: 'C0WEEKLY01' });
    expect(digestSchedule(loadSettings({ SLACK_CHANNEL_ID: 'C0DISPUTES', REBUT_DIGEST_CHANNEL: '' }))?.channel).toBe(
      'C0DISPUTES',
    );
    expect(
      digestSchedule(loadSettings({ SLACK_CHANNEL_ID: 'C0DISPUTES', REBUT_DIGEST_CHANNEL: 'off' })),
    ).toBeUndefined();
    expect(() => loadSettings({ REBUT_DIGEST_DAY: 'mon' })).toThrow(
      'REBUT_DIGEST_DAY: expected a day of the week such as monday',
    );
    expect(() => loadSettings({ REBUT_DIGEST_HOUR: '24' })).toThrow(
      'REBUT_DIGEST_HOUR: expected an hour from 0 to 23 (UTC)',
    );
    expect(() => loadSettings({ REBUT_DIGEST_CHANNEL: '#disputes' })).toThrow(
      /REBUT_DIGEST_CHANNEL: expected a channel id/,
    );
  });

  it('durations read as people write them', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('a live key is told from a test key', () => {
    expect(stripeKeyIsLive('sk_live_abc')).toBe(true);
    expect(stripeKeyIsLive('rk_live_abc')).toBe(true);
    expect(stripeKeyIsLive('sk_test_abc')).toBe(false);
  });
});

describe('auto_submit_at, counted from when a person could first see the case', () => {
  const hour = 3_600_000;
  const posted = new Date('2026-11-01T00:00:00Z');
  const windows = { reviewWindowMs: 48 * hour, submitBufferMs: 12 * hour, minReviewMs: hour };
  const due = (hours: number) => new Date(posted.getTime() + hours * hour);
  const hoursAfter = (hours: number) => new Date(posted.getTime() + hours * hour);

  it('is the end of the review window when the deadline is far', () => {
    expect(reviewSchedule(posted, due(20 * 24), windows)).toEqual({ autoSubmitAt: hoursAfter(48), urgent: false });
    expect(reviewSchedule(posted, null, windows)).toEqual({ autoSubmitAt: hoursAfter(48), urgent: false });
  });

  it('is the deadline less the buffer when the deadline is near', () => {
    expect(reviewSchedule(posted, due(30), windows)).toEqual({ autoSubmitAt: hoursAfter(18), urgent: false });
  });

  it('never cuts the review below MIN_REVIEW_TIME for the buffer alone, and says the case is urgent', () => {
    // 6 h before due_by with a 12 h buffer: the buffer is already past, so a person still gets an hour.
    expect(reviewSchedule(posted, due(6), windows)).toEqual({ autoSubmitAt: hoursAfter(1), urgent: true });
    // Past due − buffer by a lot: still the hour, as long as the deadline allows it.
    expect(reviewSchedule(posted, due(2), windows)).toEqual({ autoSubmitAt: hoursAfter(1), urgent: true });
  });

  it('lets only the real deadline cut deeper: the last safe moment before due_by', () => {
    expect(reviewSchedule(posted, due(0.75), windows)).toEqual({
      autoSubmitAt: new Date(due(0.75).getTime() - LAST_SAFE_MARGIN_MS),
      urgent: true,
    });
  });

  it("respects an owner's own short review window as set", () => {
    const short = { ...windows, reviewWindowMs: 10 * 60_000 };
    expect(reviewSchedule(posted, due(6), short).autoSubmitAt).toEqual(new Date(posted.getTime() + 10 * 60_000));
  });
});

describe('log masking', () => {
  it('masks secrets, card numbers and email local parts but leaves ids and amounts', () => {
    const line = maskSecrets(
      'key sk_live_51Habc secret whsec_abc123 token xoxb-1-2-abc card 4242 4242 4242 4242 email jenny.rosen@example.com du_123 amount 4900 at 1732450000000',
    );
    expect(line).not.toContain('sk_live_51Habc');
    expect(line).not.toContain('whsec_abc123');
    expect(line).not.toContain('xoxb-1-2-abc');
    expect(line).not.toContain('4242 4242 4242 4242');
    expect(line).toContain('…4242');
    expect(line).not.toContain('jenny.rosen@');
    expect(line).toContain('j…@example.com');
    expect(line).toContain('du_123 amount 4900 at 1732450000000');
  });
  it('masks the password in a connection string', () => {
    expect(maskSecrets('postgres://rebut:hunter2@db:5432/rebut')).toBe('postgres://rebut:…@db:5432/rebut');
  });
});
