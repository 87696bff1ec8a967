// A YAML settings file read against a zod schema, every problem reported with its key and line (the evidence file
// and the products file both read this way).
import { isMap, isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

export interface FileProblem {
  key: string;
  line: number | null;
  message: string;
}

/** The problems of one file, listed with key and line. */
export class FileProblems extends Error {
  constructor(
    readonly file: string,
    readonly problems: FileProblem[],
  ) {
    super(
      `${file} is not valid:\n${problems
        .map(
          (problem) =>
            `  - ${problem.key || '(top level)'}${problem.line ? ` (line ${problem.line})` : ''}: ${problem.message}`,
        )
        .join('\n')}`,
    );
    this.name = 'FileProblems';
  }
}

/** The parsed file and where each key sits, for problems found after parsing (`lineOf`). */
export interface YamlFile<T> {
  data: T;
  lineOf(path: readonly PropertyKey[]): number | null;
}

/** Parses `text` and checks it with `schema`; a YAML error or a schema problem throws `FileProblems` (via `fail`). */
export function readYaml<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
  fail: (file: string, problems: FileProblem[]) => Error = (name, problems) => new FileProblems(name, problems),
): YamlFile<z.infer<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw fail(
      file,
      doc.errors.map((error) => ({
        key: '',
        line: lineCounter.linePos(error.pos[0]).line,
        message: error.message.split('\n')[0] ?? error.code,
      })),
    );
  }

  const lineOf = (path: readonly PropertyKey[]): number | null => {
    // The deepest node that exists on the path: a missing key is reported at its parent.
    for (let depth = path.length; depth >= 0; depth--) {
      const keys = path.slice(0, depth).map((key) => (typeof key === 'symbol' ? String(key) : key));
      const node = depth === 0 ? doc.contents : doc.getIn(keys, true);
      if (isNode(node) && node.range) {
        // For a key that exists, point at the key itself rather than its value.
        const parent = depth === 0 ? null : depth === 1 ? doc.contents : doc.getIn(keys.slice(0, -1), true);
        if (isMap(parent)) {
          const pair = parent.items.find(
            (item) => isNode(item.key) && 'value' in item.key && item.key.value === keys.at(-1),
          );
          if (pair && isNode(pair.key) && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line;
        }
        return lineCounter.linePos(node.range[0]).line;
      }
    }
    return null;
  };

  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw fail(
      file,
      parsed.error.issues.map((issue) => {
        const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
        const key = path.map(String).join('.');
        const message = issue.code === 'unrecognized_keys' ? `unknown key (${issue.keys.join(', ')})` : issue.message;
        return { key, line: lineOf(path), message };
      }),
    );
  }
  return { data: parsed.data, lineOf };
}
