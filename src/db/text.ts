/**
 * PostgreSQL text and jsonb cannot hold NUL (U+0000), and a customer can type one into text Stripe keeps (a
 * cardholder name, a description). Stored as it came, the insert fails on every retry and the dispute never
 * gets a case; without the NUL, it is stored as the data it is.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  if (value === null || typeof value !== 'object') return value;
  const text = JSON.stringify(value);
  return text.includes('\\u0000') ? (JSON.parse(withoutNulEscapes(text)) as T) : value;
}

/** JSON text without its `\u0000` escapes (an escaped backslash followed by "u0000" is left alone). */
export function withoutNulEscapes(json: string): string {
  return json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1');
}
