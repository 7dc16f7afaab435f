// What changed between two recorded state values: the states left and the leaf states entered, as short paths
// (`phase:p1.group:0.step:a.settled`: the `active.` every working state shares is dropped). Pure; the timeline
// (replay.ts) uses it to print a run's state only when it changes.

export interface StateChange {
  entered: string[];
  left: string[];
}

/** Every active leaf state of a state value, as a dotted path from the root (`active.phase:p1.gate.evaluating`). */
export function leafPaths(value: unknown, prefix = ''): string[] {
  const at = (k: string) => (prefix ? `${prefix}.${k}` : k);
  if (typeof value === 'string') return [at(value)];
  if (!value || typeof value !== 'object') return [at(String(value))];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return prefix ? [prefix] : [];
  return entries.flatMap(([k, v]) => leafPaths(v, at(k)));
}

/** A path without the `active.` prefix every working state shares. */
export const shortPath = (path: string): string => (path.startsWith('active.') ? path.slice(7) : path);

/** Every state node on the way to these leaves (`a`, `a.b`, `a.b.c` for the leaf `a.b.c`). */
function nodes(leaves: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const leaf of leaves) {
    const parts = leaf.split('.');
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('.'));
  }
  return out;
}

/**
 * What an event changed, from the leaf paths before and after it: `entered` = the leaves it entered (so a new
 * group names each step it starts); `left` = the outermost states it left (leaving a group says the group, not
 * each of its steps). Both in document order, as short paths. State names hold no dots (plan ids are
 * identifiers), so a path splits back into its states.
 */
export function stateChange(prev: readonly string[], next: readonly string[]): StateChange {
  const before = nodes(prev);
  const after = nodes(next);
  const left: string[] = [];
  for (const n of before) {
    if (after.has(n)) continue;
    const parent = n.includes('.') ? n.slice(0, n.lastIndexOf('.')) : undefined;
    if (parent === undefined || after.has(parent)) left.push(n);
  }
  return {
    entered: next.filter((p) => !before.has(p)).map(shortPath),
    left: left.map(shortPath),
  };
}

/**
 * Paths in one line, a shared prefix written once: `phase:p2.group:0.{step:c.running, step:d.running}`.
 * The prefix is cut at a dot, so it is always whole state names.
 */
export function joinPaths(paths: readonly string[]): string {
  if (paths.length <= 1) return paths[0] ?? '';
  const split = paths.map((p) => p.split('.'));
  let n = 0;
  while (split.every((s) => s.length > n + 1 && s[n] === split[0][n])) n++;
  if (n === 0) return paths.join(', ');
  return `${split[0].slice(0, n).join('.')}.{${split.map((s) => s.slice(n).join('.')).join(', ')}}`;
}

/** `left X; entered Y` (either half omitted when empty). */
export function formatChange(c: StateChange): string {
  const parts: string[] = [];
  if (c.left.length) parts.push(`left ${joinPaths(c.left)}`);
  if (c.entered.length) parts.push(`entered ${joinPaths(c.entered)}`);
  return parts.join('; ');
}
