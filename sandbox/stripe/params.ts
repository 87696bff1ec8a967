import { invalidRequest, unknownParameter } from './errors.js';

/** A decoded form value: Stripe's bracket syntax nests objects (`a[b]=1`) and arrays (`a[]=1`, `a[0]=1`). */
export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/** Splits `evidence[enhanced_evidence][x]` into `['evidence', 'enhanced_evidence', 'x']`; `a[]` gives `['a', '']`. */
function keyPath(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const rest = key.slice(open);
  for (const match of rest.matchAll(/\[([^\]]*)\]/g)) parts.push(match[1] ?? '');
  return parts;
}

/** Parses `application/x-www-form-urlencoded` (or a query string) the way Stripe reads it. */
export function parseForm(text: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(text)) assign(root, keyPath(key), value);
  return normalizeArrays(root) as FormObject;
}

/** Adds one decoded field (from a query string or a multipart part) to `root`. */
export function assign(root: FormObject, path: string[], value: FormValue): void {
  let node: FormObject = root;
  for (let i = 0; i < path.length; i++) {
    const part = path[i] ?? '';
    const last = i === path.length - 1;
    // `a[]` appends: numbered keys past the current length keep insertion order.
    const key = part === '' ? String(Object.keys(node).length) : part;
    if (last) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === undefined || typeof next === 'string' || Array.isArray(next)) {
      const created: FormObject = {};
      node[key] = created;
      node = created;
    } else {
      node = next;
    }
  }
}

/** Objects whose keys are exactly 0..n-1 become arrays. */
function normalizeArrays(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const normalized: FormObject = {};
  for (const key of keys) normalized[key] = normalizeArrays(value[key] ?? '');
  const isList = keys.length > 0 && keys.every((key, index) => key === String(index));
  return isList ? keys.map((key) => normalized[key] ?? '') : normalized;
}

// ---------------------------------------------------------------------------------------------
// Parameter specs: which names an endpoint accepts. Anything else is Stripe's `parameter_unknown`.

export type ParamSpec =
  | 'string'
  | 'integer'
  | 'boolean'
  | 'range'
  | 'map'
  | 'expand'
  | { readonly enum: readonly string[] }
  | { readonly object: { readonly [key: string]: ParamSpec } }
  | { readonly list: ParamSpec };

export type Spec = { readonly [key: string]: ParamSpec };

export const LIST_PARAMS = {
  limit: 'integer',
  starting_after: 'string',
  ending_before: 'string',
  expand: 'expand',
} as const satisfies Spec;

export function validateParams(params: FormObject, spec: Spec): void {
  checkObject(params, spec, '');
}

function qualified(prefix: string, key: string): string {
  return prefix ? `${prefix}[${key}]` : key;
}

function checkObject(value: FormObject, spec: Spec, prefix: string): void {
  for (const [key, child] of Object.entries(value)) {
    const childSpec = spec[key];
    const name = qualified(prefix, key);
    if (childSpec === undefined) throw unknownParameter(name);
    checkValue(child, childSpec, name);
  }
}

function invalid(kind: string, value: FormValue, param: string): never {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  const code = kind === 'integer' ? 'parameter_invalid_integer' : undefined;
  throw invalidRequest(`Invalid ${kind}: ${shown}`, { param, ...(code ? { code } : {}) });
}

function checkValue(value: FormValue, spec: ParamSpec, name: string): void {
  if (spec === 'string') {
    if (typeof value !== 'string') invalid('string', value, name);
  } else if (spec === 'integer') {
    if (typeof value !== 'string' || !/^-?\d+$/.test(value)) invalid('integer', value, name);
  } else if (spec === 'boolean') {
    if (value !== 'true' && value !== 'false') invalid('boolean', value, name);
  } else if (spec === 'range') {
    if (typeof value === 'string') checkValue(value, 'integer', name);
    else if (Array.isArray(value)) invalid('hash', value, name);
    else checkObject(value, { gt: 'integer', gte: 'integer', lt: 'integer', lte: 'integer' }, name);
  } else if (spec === 'map') {
    // metadata: a hash of strings, or '' to clear every key.
    if (typeof value === 'string') {
      if (value !== '') invalid('hash', value, name);
      return;
    }
    if (Array.isArray(value)) invalid('hash', value, name);
    for (const [key, entry] of Object.entries(value)) {
      if (typeof entry !== 'string') invalid('string', entry, qualified(name, key));
    }
  } else if (spec === 'expand') {
    const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : null;
    if (!items || items.some((item) => typeof item !== 'string')) invalid('array', value, name);
  } else if ('enum' in spec) {
    if (typeof value !== 'string' || !spec.enum.includes(value)) {
      throw invalidRequest(`Invalid ${name}: must be one of ${spec.enum.join(', ')}`, { param: name });
    }
  } else if ('object' in spec) {
    if (typeof value === 'string' && value === '') return; // '' unsets a hash on Stripe
    if (typeof value === 'string' || Array.isArray(value)) invalid('hash', value, name);
    checkObject(value, spec.object, name);
  } else {
    if (typeof value === 'string' && value === '') return;
    const items = Array.isArray(value) ? value : typeof value === 'string' ? null : Object.values(value);
    if (!items) invalid('array', value, name);
    items.forEach((item, index) => {
      checkValue(item, spec.list, `${name}[${index}]`);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Typed readers for already-validated params.

export function str(params: FormObject, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' ? value : undefined;
}

export function int(params: FormObject, key: string): number | undefined {
  const value = str(params, key);
  return value === undefined ? undefined : Number.parseInt(value, 10);
}

export function bool(params: FormObject, key: string): boolean | undefined {
  const value = str(params, key);
  return value === undefined ? undefined : value === 'true';
}

export function obj(params: FormObject, key: string): FormObject | undefined {
  const value = params[key];
  return value !== undefined && typeof value !== 'string' && !Array.isArray(value) ? value : undefined;
}

export function strings(params: FormObject, key: string): string[] {
  const value = params[key];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (value) return Object.values(value).filter((item): item is string => typeof item === 'string');
  return [];
}

export interface CreatedRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export function range(params: FormObject, key: string): CreatedRange | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const exact = Number.parseInt(value, 10);
    return { gte: exact, lte: exact };
  }
  const hash = obj(params, key);
  if (!hash) return undefined;
  const result: CreatedRange = {};
  for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) {
    const number = int(hash, bound);
    if (number !== undefined) result[bound] = number;
  }
  return result;
}
