// Reading a catalogue of words (i18n/*.ts) the same way in every language test: its shape, to hold the languages to
// the same keys, and its strings, to look inside them.

/** Every key path of a catalogue, with `()` for a function and `[]` for a list of words. */
export function catalogueShape(value: unknown, path = ''): string[] {
  if (typeof value === 'function') return [`${path}()`];
  // A list of words (`ownTimeWords`) is one key: each language has as many as its sentences use.
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [`${path}[]`];
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => catalogueShape(inner, `${path}.${key}`));
  }
  return [path];
}

/** Every string of a catalogue, with its key path. */
export function catalogueStrings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => catalogueStrings(inner, `${path}.${key}`));
  }
  return [];
}
