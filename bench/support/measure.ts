// Repetition and reporting helpers shared by every scenario: medians after warm-up, temp dirs, results.
// Owns no scenario logic; run.ts prints what the scenarios return.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Result {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. ">= 40000"; absent for figures shown for comparison only. */
  target?: string;
  ok?: boolean;
  min?: number;
  max?: number;
  runs?: number;
  note?: string;
}

export interface BenchContext {
  quick: boolean;
  /** Measured repetitions (after one warm-up). */
  runs: number;
  /** --runs was given explicitly (scenarios that take minutes per run honour it, else run once). */
  runsGiven: boolean;
}

export interface Scenario {
  /** File-level id; the result names it produces are listed for the runner's checks. */
  id: string;
  names: string[];
  run(ctx: BenchContext): Promise<Result[]>;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs: s.length };
}

/** One warm-up call, then `runs` measured calls; each returns its figure. */
export async function repeat(runs: number, f: (i: number) => number | Promise<number>): Promise<Stats> {
  await f(-1);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push(await f(i));
  return stats(out);
}

type Goal = { atLeast: number } | { atMost: number };

/** A result from stats and a goal; rounding keeps the JSON readable. */
export function result(name: string, unit: string, s: Stats, goal?: Goal, note?: string): Result {
  const r = (x: number) => (Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 1000) / 1000);
  const out: Result = { name, value: r(s.median), unit };
  if (goal) {
    out.target = 'atLeast' in goal ? `>= ${goal.atLeast}` : `<= ${goal.atMost}`;
    out.ok = 'atLeast' in goal ? s.median >= goal.atLeast : s.median <= goal.atMost;
  }
  out.min = r(s.min);
  out.max = r(s.max);
  out.runs = s.runs;
  if (note) out.note = note;
  return out;
}

/** A figure not measured in this mode: value NaN (printed as null), no verdict, and the note says why. */
export function skipped(name: string, unit: string, goal: Goal | undefined, note: string): Result {
  if (!goal) return { name, value: Number.NaN, unit, note };
  const target = 'atLeast' in goal ? `>= ${goal.atLeast}` : `<= ${goal.atMost}`;
  return { name, value: Number.NaN, unit, target, note };
}

/** A fresh temp dir, removed by the returned cleanup. */
export function tempDir(prefix = 'phased-bench-'): {
  dir: string;
  file: (name: string) => string;
  done: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name) => join(dir, name), done: () => rmSync(dir, { recursive: true, force: true }) };
}

export function nowIso(): string {
  return new Date().toISOString();
}
