// The JSON text of a run's state value as a replay walks the log: consecutive values are mostly equal, and a
// structural comparison allocates nothing where JSON.stringify allocates a string per event. Values are read-only.

/** Whether `a` and `b` would serialize to the same JSON text (same keys in the same order, same leaves). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i];
    if (k !== kb[i]) return false;
    if (!sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** JSON.stringify with a one-value memory: a value equal to the previous one gets the previous text. */
export class JsonTextCache {
  private last: unknown;
  private text: string | undefined;

  textOf(value: unknown): string {
    if (this.text !== undefined && sameJson(value, this.last)) {
      this.last = value;
      return this.text;
    }
    this.last = value;
    this.text = JSON.stringify(value) ?? 'null';
    return this.text;
  }
}
