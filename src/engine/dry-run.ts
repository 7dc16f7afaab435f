// `phased run --dry-run`: the plan, the units a run would start per step and the bytes they would process.
// It reads the warehouse only (no run, no event log, no DDL); the same baseline measurement as the driver.

import { allSteps, type CheckResult, type ResolvedPlan } from '../../machines/index.js';
import type { Estimate } from '../cost/estimate.js';
import type { StepDryRun } from '../gates/index.js';
// Direct module imports: the plan index pulls in zod and yaml, which a resume never needs.
import { describePlan } from '../plan/describe.js';
import type { WarehouseReads } from '../warehouse/index.js';

export interface DryRunStep {
  step: string;
  kind: 'sql' | 'command';
  expected: number;
  present: number;
  missing: number;
  /** Units a run would start now. */
  toRun: number;
  /** BigQuery: bytes one partition's query would process (dry run of the range's first partition). */
  bytesPerUnit?: number;
  /** bytesPerUnit × toRun. */
  bytes?: number;
  /** Why the bytes are unknown for this step. */
  note?: string;
}

/** Money in USD with cents (or fractions of a cent for tiny figures). */
export function formatUsd(n: number): string {
  if (n > 0 && n < 0.01) return `$${n.toPrecision(2)}`;
  return `$${n.toFixed(2)}`;
}

/** Seconds as `1h 02m`, `3m 05s` or `12.3 s`. */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export interface DryRunReport {
  plan: string;
  warehouse: ResolvedPlan['warehouse']['kind'];
  range: { start: string; end: string };
  partitions: number;
  steps: DryRunStep[];
  units: number;
  /** Estimated bytes of every unit to run; undefined where the warehouse cannot estimate (sqlite). */
  bytes?: number;
  prerequisites: CheckResult[];
  prerequisitesPassed: boolean;
  /** Per step and in total: bytes and cost (BigQuery dry runs, sampled) or rows and seconds (SQLite, measured). */
  estimate?: Estimate;
}

function stepBytes(
  d: StepDryRun | undefined,
  toRun: number,
): Pick<DryRunStep, 'bytesPerUnit' | 'bytes' | 'note'> {
  if (!d) return {};
  if (d.bytes !== undefined) return { bytesPerUnit: d.bytes, bytes: d.bytes * toRun };
  return { note: d.error ? `dry run failed: ${d.error}` : `not estimated: ${d.skipped}` };
}

/** Measure what a run of `plan` would do, reading the warehouse only. */
export async function planDryRun(
  plan: ResolvedPlan,
  opts: { warehouse?: WarehouseReads } = {},
): Promise<DryRunReport> {
  // Loaded here, not at the top: the engine's index re-exports this module, and a resume needs neither.
  const { checkPrerequisites, dryRunSteps, measureBaseline, prerequisitesPassed } = await import(
    '../gates/index.js'
  );
  const { openWarehouse } = await import('../warehouse/index.js');
  const { estimateRun } = await import('../cost/estimate.js');
  const own = opts.warehouse ? undefined : await openWarehouse(plan.warehouse, { poolSize: 1 });
  const wh = opts.warehouse ?? (own as WarehouseReads);
  try {
    const dryRuns = await dryRunSteps(plan, wh);
    const prerequisites = await checkPrerequisites(plan, wh, { dryRuns });
    const baseline = await measureBaseline(plan, wh, { createTables: false });
    const kinds = new Map(allSteps(plan).map((s) => [s.id, s.kind]));
    const steps = baseline.steps.map((b): DryRunStep => {
      const kind = kinds.get(b.step) ?? 'sql';
      const bytes =
        plan.warehouse.kind === 'bigquery'
          ? kind === 'command'
            ? { note: 'command step: bytes not estimated' }
            : stepBytes(
                dryRuns.find((d) => d.step === b.step),
                b.toRun.length,
              )
          : {};
      return {
        step: b.step,
        kind,
        expected: b.expected,
        present: b.present,
        missing: b.missing,
        toRun: b.toRun.length,
        ...bytes,
      };
    });
    const estimate = await estimateRun(
      plan,
      wh,
      baseline.steps.map((b) => {
        const toRun = new Set(b.toRun);
        return { step: b.step, toRun: b.toRun, present: baseline.partitions.filter((p) => !toRun.has(p)) };
      }),
    );
    const estimated = plan.warehouse.kind === 'bigquery';
    return {
      plan: plan.name,
      warehouse: plan.warehouse.kind,
      range: plan.range,
      partitions: baseline.partitions.length,
      steps,
      units: steps.reduce((n, s) => n + s.toRun, 0),
      ...(estimated ? { bytes: steps.reduce((n, s) => n + (s.bytes ?? 0), 0) } : {}),
      prerequisites,
      prerequisitesPassed: prerequisitesPassed(prerequisites),
      estimate,
    };
  } finally {
    await own?.close();
  }
}

/** Bytes in binary units: `1.5 GiB (1610612736 bytes)`. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[i]} (${n} bytes)`;
}

export function formatDryRun(plan: ResolvedPlan, r: DryRunReport): string {
  const lines = [
    describePlan(plan),
    '',
    `dry run: nothing was created or changed; ${r.partitions} partitions`,
  ];
  lines.push('prerequisites:');
  for (const c of r.prerequisites) {
    const mark = c.ok && !c.error ? 'ok  ' : 'FAIL';
    lines.push(`  ${mark} ${c.name}${c.error ? `: ${c.error}` : c.detail ? `: ${c.detail}` : ''}`);
  }
  lines.push('units to run (per step: expected, present, missing, to run):');
  for (const s of r.steps) {
    const bytes = s.bytes !== undefined ? `, ~${formatBytes(s.bytes)}` : s.note ? ` (${s.note})` : '';
    lines.push(
      `  ${s.step}: ${s.expected} expected, ${s.present} present, ${s.missing} missing, ${s.toRun} to run${bytes}`,
    );
  }
  lines.push(`total: ${r.units} units`);
  lines.push(
    r.bytes === undefined
      ? `bytes: not estimated on ${r.warehouse} (only BigQuery dry runs report bytes)`
      : `estimated bytes processed: ${formatBytes(r.bytes)} (each step's dry run for one partition × units to run)`,
  );
  if (r.estimate) lines.push(...formatEstimate(r.estimate));
  if (!r.prerequisitesPassed) lines.push('prerequisites would fail: a run would stop before any unit starts');
  return lines.join('\n');
}

/** The estimate's lines: per step, the total, the sample and what is not estimated. */
export function formatEstimate(e: Estimate): string[] {
  const lines: string[] = [];
  const bq = e.steps.some((s) => s.bytes !== undefined) || e.bytes !== undefined;
  lines.push(
    bq
      ? `estimate (on-demand, ${formatUsd(e.pricePerTiB)} per TiB):`
      : 'estimate (measured on this SQLite warehouse, not billed):',
  );
  for (const s of e.steps) {
    if (s.bytes !== undefined && s.cost !== undefined) {
      lines.push(
        `  ${s.step}: ${s.units} units × ~${formatBytes(s.bytesPerUnit ?? 0)} = ${formatBytes(s.bytes)}, ${formatUsd(s.cost)} [${s.basis}]`,
      );
    } else if (s.rows !== undefined && s.seconds !== undefined) {
      lines.push(
        `  ${s.step}: ${s.units} units × ~${Math.round(s.rowsPerUnit ?? 0)} rows, ~${(s.secondsPerUnit ?? 0).toFixed(3)} s = ${s.rows} rows, ${formatSeconds(s.seconds)} [${s.basis}]`,
      );
    } else lines.push(`  ${s.step}: ${s.units} units, ${s.basis}`);
  }
  if (e.bytes !== undefined) {
    lines.push(
      `  total: ${formatBytes(e.bytes)}, ${formatUsd(e.cost ?? 0)} at ${formatUsd(e.pricePerTiB)} per TiB`,
    );
  }
  if (e.rows !== undefined) {
    lines.push(`  total: ${e.rows} rows, ${formatSeconds(e.seconds ?? 0)} of queries run one at a time`);
  }
  lines.push(
    e.sampled
      ? `  sampled: steps with more than ${e.sampleSize} partitions to run were measured on ${e.sampleSize} partitions spread evenly over them`
      : `  every partition to run was measured (sample size ${e.sampleSize} per step)`,
  );
  lines.push(`  not estimated: ${e.notEstimated.join('; ')}`);
  return lines;
}
