import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Card numbers, secrets and full email addresses never reach a log line: known secret keys are
 * censored by path, and every finished line is masked by pattern, whatever field it came from.
 */
const REDACT_PATHS = [
  '*.STRIPE_SECRET_KEY',
  '*.STRIPE_WEBHOOK_SECRET',
  '*.SLACK_BOT_TOKEN',
  '*.SLACK_SIGNING_SECRET',
  '*.SLACK_APP_TOKEN',
  '*.OPENAI_API_KEY',
  '*.DATABASE_URL',
  '*.APP_DATABASE_URL',
  'headers.authorization',
  'headers["stripe-signature"]',
  'headers["x-slack-signature"]',
];

/** Card numbers are found next to letters too: in a JSON line, one after a line break follows `\n`. */
export function maskSecrets(text: string): string {
  return (
    text
      .replace(/\b(sk|rk)_(test|live)_[A-Za-z0-9]+/g, '$1_$2_…')
      .replace(/\bsk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g, 'sk-$1…')
      .replace(/\bwhsec_[A-Za-z0-9]+/g, 'whsec_…')
      .replace(/\bxox[abpr]-[A-Za-z0-9-]+/g, 'xox…')
      .replace(/\bxapp-[A-Za-z0-9-]+/g, 'xapp-…')
      .replace(/postgres(ql)?:\/\/([^:@/\s]+):[^@\s]+@/g, 'postgres$1://$2:…@')
      // Not inside a decimal number (a JSON value like 1732450000000.5 must stay valid JSON).
      .replace(/(?<!\d)(?<!\d\.)\d(?:[ -]?\d){12,18}(?!\d)(?!\.\d)/g, (digits) =>
        passesLuhn(digits) ? `…${digits.replace(/\D/g, '').slice(-4)}` : digits,
      )
      .replace(/\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/g, '$1…@$2')
  );
}

/** Card numbers carry a Luhn check digit; other long numbers (ids, amounts) are left alone. */
function passesLuhn(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};

/** One JSON log line as a person reads it in a terminal: `rebut: warning: message (cause)`, no stack trace. */
export function humanLine(line: string): string {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    const cause = entry.err?.message && entry.err.message !== entry.msg ? ` (${entry.err.message})` : '';
    return `rebut: ${LEVEL_NAMES[entry.level ?? 30] ?? 'info'}: ${entry.msg ?? ''}${cause}\n`;
  } catch {
    return line;
  }
}

/**
 * A pino logger whose every output line passes through `maskSecrets` on its way out. `human`: lines a person reads
 * in a terminal (the CLI's), instead of JSON for a log collector.
 */
export function createLogger(
  level: string,
  destination: { write(line: string): unknown } = process.stdout,
  options: { human?: boolean } = {},
): Logger {
  const masked = {
    write: (line: string) => destination.write(options.human ? humanLine(maskSecrets(line)) : maskSecrets(line)),
  };
  return pino(
    { level, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    masked,
  );
}
