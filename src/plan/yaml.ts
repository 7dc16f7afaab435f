// Reads a plan's YAML keeping line numbers: the parsed value, the first YAML error, and the line of any path.
// It validates nothing (schema.ts and rules.ts do).

import { isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Issue } from './issues.js';

export interface ParsedYaml {
  value: unknown;
  errors: Issue[];
  lineOf(path: Issue['path']): number | undefined;
  /** The line where a string value's text starts (a `|` or `>` block starts on the line after its key). */
  textLineOf(path: Issue['path']): number | undefined;
}

/** The plan document of `text`, its YAML errors and a path → line lookup. */
export function parsePlanYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  // Later YAML errors mostly cascade from the first one: report it with a count of the rest.
  const errors: Issue[] = doc.errors.slice(0, 1).map((e) => {
    const line = e.linePos ? text.split('\n')[e.linePos[0].line - 1] : undefined;
    const hint = line?.includes('{dialect}') ? '; inside [ ] or { } quote values that contain {dialect}' : '';
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more YAML errors after it)` : '';
    return { path: [], message: `expected valid YAML: ${e.message.split('\n')[0]}${hint}${more}` };
  });
  const lineOf = (at: Issue['path']): number | undefined => {
    if (typeof at[0] === 'string' && at[0].startsWith('--')) return undefined;
    for (let n = at.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(at.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const textLineOf = (at: Issue['path']): number | undefined => {
    const line = lineOf(at);
    const node = doc.getIn(at, true);
    const block = isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
    return line === undefined ? undefined : line + (block ? 1 : 0);
  };
  let value: unknown;
  if (errors.length === 0) {
    try {
      value = doc.toJS();
    } catch (err) {
      errors.push({
        path: [],
        message: `expected valid YAML: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  return { value, errors, lineOf, textLineOf };
}
