// Fills the demo warehouse's Phase 3 tables to NBA.md's baseline by running the plan's own step SQL for the
// dates that count as already present, through the SQLite warehouse's own partition replace; creates every
// step's table from its ddl. Not the driver: no run, no log.

import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { PhasedError, type StepSpec } from '../../machines/index.js';
import { SqliteWarehouse } from '../warehouse/sqlite.js';
import { NBA_CALENDAR } from './calendar.js';
import { Rng } from './prng.js';

/** Present dates of the 848 expected, per Phase 3 step (NBA.md, "Baseline"). */
export const BASELINE_PRESENT: Readonly<Record<string, number>> = {
  player_game_summary: 848,
  team_offense_game_summary: 848,
  team_defense_game_summary: 776,
  upcoming_player_game_context: 446,
  upcoming_team_game_context: 496,
};

/** How each step's missing dates are laid out: a contiguous stretch starting at `at` (share of the dates). */
const MISSING_SHAPE: Readonly<Record<string, { stretch: number; at: number }>> = {
  team_defense_game_summary: { stretch: 0.55, at: 0.62 },
  upcoming_player_game_context: { stretch: 0.95, at: 0 },
  upcoming_team_game_context: { stretch: 0.94, at: 0 },
};

const BASELINE_SEED = 848;

interface StepDoc {
  id: string;
  table: string;
  sql: string;
  ddl?: string;
  partitionColumn?: string;
}
interface PhaseDoc {
  id: string;
  steps?: StepDoc[];
  groups?: { steps: StepDoc[] }[];
  gate?: { exclude?: string };
}
interface PlanDoc {
  range: { start: string; end: string };
  partitionColumn?: string;
  partitions: string;
  phases: PhaseDoc[];
}

export interface BaselineResult {
  expected: number;
  /** Present expected dates per Phase 3 step after the fill. */
  present: Record<string, number>;
  ms: number;
}

function readPlan(planDir: string): { plan: PlanDoc; sql: (path: string) => string } {
  const file = join(planDir, 'plan.yaml');
  if (!existsSync(file))
    throw new PhasedError('BAD_ARGUMENT', `no plan.yaml in ${planDir}: pass the NBA plan's directory`);
  let plan: PlanDoc;
  try {
    plan = parse(readFileSync(file, 'utf8')) as PlanDoc;
  } catch (err) {
    throw new PhasedError('PLAN_INVALID', `${file} is not valid YAML: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const sql = (path: string) =>
    readFileSync(join(dirname(file), path.replaceAll('{dialect}', 'sqlite')), 'utf8');
  return { plan, sql };
}

function stepsOf(phase: PhaseDoc): StepDoc[] {
  return phase.steps ?? (phase.groups ?? []).flatMap((g) => g.steps);
}

/** The expected dates a step starts with: all but a deterministic set of missing ones. */
export function presentDates(step: string, expected: readonly string[]): string[] {
  const target = BASELINE_PRESENT[step];
  if (target === undefined) return [];
  const present = Math.round((target * expected.length) / NBA_CALENDAR.expectedDates);
  const missingCount = expected.length - present;
  const shape = MISSING_SHAPE[step] ?? { stretch: 0, at: 0 };
  const stretch = Math.floor(missingCount * shape.stretch);
  const from = Math.min(Math.floor(expected.length * shape.at), expected.length - stretch);
  const missing = new Set(expected.slice(from, from + stretch));
  const others = expected.filter((d) => !missing.has(d));
  const scattered = new Rng(BASELINE_SEED, Object.keys(BASELINE_PRESENT).indexOf(step)).shuffle(others);
  for (const d of scattered.slice(0, missingCount - missing.size)) missing.add(d);
  return expected.filter((d) => !missing.has(d));
}

/** The run a baseline partition stands in for (a pipeline run before phased): @run_id in the step SQL. */
const BASELINE_RUN = 'baseline';
/** Partitions written per transaction: one commit per partition would cost the fill twice its time. */
const BATCH = 64;

/** A Phase 3 step as the warehouse runs it; no `expect`: the baseline is what earlier runs left, as it is. */
function stepSpec(step: StepDoc, plan: PlanDoc, sql: (path: string) => string): StepSpec {
  return {
    id: step.id,
    table: step.table,
    kind: 'sql',
    partitionColumn: step.partitionColumn ?? plan.partitionColumn ?? 'game_date',
    sql: sql(step.sql),
    concurrency: 1,
    retries: 0,
    refill: 'missing',
  };
}

/** Create every step's table and fill the Phase 3 tables to the baseline. */
export async function fillBaseline(warehouseFile: string, planDir: string): Promise<BaselineResult> {
  const started = performance.now();
  if (!existsSync(warehouseFile)) {
    throw new PhasedError('BAD_ARGUMENT', `warehouse ${warehouseFile} does not exist: generate it first`);
  }
  const { plan, sql } = readPlan(planDir);
  const phase3 = plan.phases.find((p) => p.id === 'phase3');
  if (!phase3?.gate?.exclude)
    throw new PhasedError('BAD_ARGUMENT', `plan in ${planDir} has no phase3 gate exclude`);
  const wh = new SqliteWarehouse(warehouseFile, { poolSize: Math.min(availableParallelism(), 4) });
  try {
    const range = { start: String(plan.range.start), end: String(plan.range.end) };
    const bootstrap = new Set(await wh.listPartitions(sql(phase3.gate.exclude), range));
    const expected = (await wh.listPartitions(sql(plan.partitions), range)).filter((d) => !bootstrap.has(d));
    for (const step of plan.phases.flatMap(stepsOf)) {
      if (step.ddl && !(await wh.tableExists(step.table))) await wh.execute(sql(step.ddl));
    }
    const steps = stepsOf(phase3).map((step) => stepSpec(step, plan, sql));
    // Batches of partitions, one commit each (the workers compute in parallel; each write is short).
    const batches = steps.flatMap((step) => {
      const units = presentDates(step.id, expected).map((partition) => ({
        runId: BASELINE_RUN,
        step,
        partition,
        attempt: 1,
        range,
      }));
      return Array.from({ length: Math.ceil(units.length / BATCH) }, (_, i) =>
        units.slice(i * BATCH, (i + 1) * BATCH),
      );
    });
    await Promise.all(batches.map((units) => wh.materializeMany(units)));
    const present: Record<string, number> = {};
    for (const step of steps) {
      const have = await wh.partitionCounts(step.table, step.partitionColumn, range);
      present[step.id] = expected.filter((d) => have.has(d)).length;
    }
    return { expected: expected.length, present, ms: Math.round(performance.now() - started) };
  } finally {
    await wh.close();
  }
}
