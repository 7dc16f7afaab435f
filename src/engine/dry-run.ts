// `phased run --dry-run`: the plan, the units a run would start per step and the bytes they would process.
// It reads the warehouse only (no run, no event log, no DDL); the same baseline measurement as the driver.

import { allSteps, type CheckResult, type ResolvedPlan } from '../../machines/index.js';
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
  if (!r.prerequisitesPassed) lines.push('prerequisites would fail: a run would stop before any unit starts');
  return lines.join('\n');
}
