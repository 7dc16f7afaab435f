// Turns zod issues and YAML errors into plan issues: a document path (`phases[1].steps[0].sql`) and a
// message saying what was expected and what was found. It does not decide what is valid (schema.ts does).

import type * as z from 'zod';

/** One problem in a plan, before it is formatted for PlanError. */
export interface Issue {
  /** Document path segments; a command-line override is a single segment such as `--start`. */
  path: (string | number)[];
  message: string;
}

/** `['phases', 1, 'groups', 0, 'steps', 2, 'sql']` → `phases[1].groups[0].steps[2].sql`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** A short rendering of a found value for "expected …, found …" messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    const text = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(text);
  }
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

function found(input: unknown): string {
  return input === undefined ? 'but it is missing' : `found ${show(input)}`;
}

/** The per-parse error map: every built-in zod issue phrased as "expected …, found …". */
export function describeIssue(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type': {
      const expected = TYPE_NAMES[iss.expected] ?? iss.expected;
      return iss.input === undefined
        ? `required: expected ${expected}, but it is missing`
        : `expected ${expected}, found ${show(iss.input)}`;
    }
    case 'invalid_value':
      return `expected ${iss.values.map((v) => JSON.stringify(v)).join(' or ')}, ${found(iss.input)}`;
    case 'too_small':
    case 'too_big': {
      const bound = iss.code === 'too_small' ? iss.minimum : iss.maximum;
      const op = iss.code === 'too_small' ? (iss.inclusive ? '>=' : '>') : iss.inclusive ? '<=' : '<';
      if (iss.origin === 'array') {
        const n = Array.isArray(iss.input) ? iss.input.length : 0;
        return `expected ${iss.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} item(s), found ${n}`;
      }
      if (iss.origin === 'string') return `expected a non-empty string, found ${show(iss.input)}`;
      return `expected a number ${op} ${String(bound)}, found ${show(iss.input)}`;
    }
    case 'invalid_union': {
      const disc = (iss as { discriminator?: string }).discriminator;
      const options = (iss as { options?: unknown[] }).options;
      if (disc && options) {
        const input = iss.input as Record<string, unknown> | undefined;
        const value = input && typeof input === 'object' ? input[disc] : undefined;
        return `expected ${disc} ${options.map((o) => JSON.stringify(o)).join(' or ')}, ${found(value)}`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Edit distance, used to suggest the key a typo meant. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Message for a strict object's unknown keys: one line per key, in the issue's key order, so that
 * `fromZod` can split the issue into one issue per key with the key in its path.
 */
export function unknownKeysMessage(keys: readonly string[], allowed: readonly string[]): string {
  return keys
    .map((key) => {
      const near = allowed
        .map((k) => ({ k, d: distance(key.toLowerCase(), k.toLowerCase()) }))
        .filter(({ d }) => d <= Math.max(1, Math.floor(key.length / 3)))
        .sort((x, y) => x.d - y.d)[0];
      const hint = near ? ` (did you mean "${near.k}"?)` : '';
      return `unknown key "${key}"${hint}; expected one of: ${allowed.join(', ')}`;
    })
    .join('\n');
}

/** Zod's issues as plan issues; an unknown-keys issue becomes one issue per key. */
export function fromZod(issues: readonly z.core.$ZodIssue[]): Issue[] {
  const out: Issue[] = [];
  for (const iss of issues) {
    const path = iss.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (iss.code === 'unrecognized_keys') {
      const lines = iss.message.split('\n');
      iss.keys.forEach((key, i) => {
        out.push({ path: [...path, key], message: lines[i] ?? lines[0] });
      });
    } else {
      out.push({ path, message: iss.message });
    }
  }
  return out;
}
