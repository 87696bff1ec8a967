// The CLI's log in a terminal: plain lines a person reads, still masked, with the cause and without a stack trace.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

function captured(human: boolean) {
  const lines: string[] = [];
  const log = createLogger('warn', { write: (line: string) => lines.push(line) }, { human });
  return { log, lines };
}

describe('the human log', () => {
  it('says level, message and cause in one line, without a stack trace or a secret', () => {
    const { log, lines } = captured(true);
    const error = new Error('connect ECONNREFUSED 127.0.0.1:12111');
    log.warn({ err: error, key: 'sk_test_abcdefghijklmnop' }, 'Stripe did not answer; trying again in 2 s');
    expect(lines).toEqual([
      'rebut: warning: Stripe did not answer; trying again in 2 s (connect ECONNREFUSED 127.0.0.1:12111)\n',
    ]);
  });

  it('stays JSON, with the stack, when not asked for', () => {
    const { log, lines } = captured(false);
    log.error({ err: new Error('boom') }, 'the sync failed');
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({ level: 50, msg: 'the sync failed', err: { message: 'boom' } });
    expect(entry.err.stack).toContain('Error: boom');
  });
});
