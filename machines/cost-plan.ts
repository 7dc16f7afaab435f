// The plan's cost, budget and notification settings, and the pure parsing of their sizes and durations.
// Validation messages and defaults for documents live in src/plan; decisions on them in budget.ts and notify.ts.

/** The on-demand list price of BigQuery analysis, US multi-region, in USD per TiB (docs/plans.md cites it). */
export const ON_DEMAND_PRICE_PER_TIB = 6.25;

export const NOTIFY_TRIGGERS = [
  'gate_blocked',
  'run_failed',
  'run_succeeded',
  'budget_paused',
  'stalled',
] as const;
export type NotifyTrigger = (typeof NOTIFY_TRIGGERS)[number];

export interface NotifySpec {
  on: NotifyTrigger[];
  /** An http(s) URL receiving Slack-compatible JSON. */
  webhook: string;
  /** `stalled`: no unit finished for this long (milliseconds). */
  stalledAfterMs?: number;
}

export interface CostSpec {
  /** Price per TiB billed; absent means the on-demand list price. */
  pricePerTiB?: number;
}

export interface BudgetSpec {
  /** The most bytes the run's jobs may bill in total. */
  maxBytesBilled?: number;
}

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
};

/** `10TiB`, `500 GiB`, `1.5TB`, `123456` (bytes) → whole bytes; undefined when it is not a size. */
export function parseBytes(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(value);
  if (!m) return undefined;
  const unit = m[2] === '' ? 1 : BYTE_UNITS[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `2h`, `90s`, `1500ms`, or a number of seconds → milliseconds; undefined when it is not a duration. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return value > 0 ? Math.round(value * 1000) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!m) return undefined;
  const ms = Math.round(Number(m[1]) * DURATION_UNITS[m[2] ?? 's']);
  return ms > 0 ? ms : undefined;
}

/** The cost of `bytes` at `pricePerTiB`. */
export function costOf(bytes: number, pricePerTiB: number): number {
  return (bytes / 2 ** 40) * pricePerTiB;
}
