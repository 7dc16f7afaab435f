// What changed between two recorded state values: the leaf states left and entered, as short paths
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

/** The leaves of `next` not in `prev` (entered) and of `prev` not in `next` (left), in document order. */
export function stateChange(prev: readonly string[], next: readonly string[]): StateChange {
  const before = new Set(prev);
  const after = new Set(next);
  return {
    entered: next.filter((p) => !before.has(p)).map(shortPath),
    left: prev.filter((p) => !after.has(p)).map(shortPath),
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
