// `phased demo` end to end: a fresh sample warehouse, a copy of the NBA plan, the baseline fill, then one run.
// Owns the demo directory's layout and the words printed around it; driving the run is the caller's (a hook).

import { accessSync, constants, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { PhasedError } from '../../machines/index.js';
import { openEventStore } from '../../store/index.js';
import { createRun } from '../engine/index.js';
import { commandHint } from '../observe/command-hint.js';
import { loadPlan } from '../plan/index.js';
import { type BaselineResult, fillBaseline } from './baseline.js';
import { cachedWarehouse } from './cache.js';
import { type GenerateResult, generateWarehouse, type Scenario } from './generate.js';
import { planDirectory } from './plan-dir.js';

export const SCENARIOS: readonly Scenario[] = ['healthy', 'broken'];
export const DEFAULT_DEMO_DIR = join('.phased', 'demo');

export interface DemoOptions {
  /** Directory holding warehouse.db, phased.db and the plan copy (default .phased/demo). */
  dir?: string;
  scenario?: string;
  initOnly?: boolean;
  runId?: string;
  /** Event log file; defaults to DIR/phased.db. */
  db?: string;
  /** Shorten the demo (tests): generate and run only these dates. */
  range?: { start: string; end: string };
}

export interface DemoHooks {
  print: (line: string) => void;
  /** Drive the created run to its end; returns the run's exit code. */
  drive: (runId: string, db: string) => Promise<number>;
}

export interface DemoLayout {
  dir: string;
  planFile: string;
  warehouse: string;
  db: string;
}

export interface DemoResult extends DemoLayout {
  exitCode: number;
  runId?: string;
  generated: GenerateResult;
  baseline: BaselineResult;
  regenerated: boolean;
}

export function parseScenario(value: string | undefined): Scenario {
  const s = value ?? 'healthy';
  if (!(SCENARIOS as readonly string[]).includes(s)) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `--scenario ${s} is not valid: expected ${SCENARIOS.join(' or ')} (healthy runs to succeeded; broken stops at the phase3 gate)`,
    );
  }
  return s as Scenario;
}

/** Create DIR (and parents) and prove it is writable, or say clearly why not. */
export function prepareDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
    accessSync(abs, constants.W_OK);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new PhasedError(
      'BAD_ARGUMENT',
      `--dir ${dir} cannot be used for the demo (${reason}): choose a directory you can create and write`,
      { cause: err },
    );
  }
  return abs;
}

/** How to write a path for the user to copy: relative to the working directory when it is inside it. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function removeDatabase(file: string): boolean {
  const had = existsSync(file);
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
  return had;
}

function describe(hooks: DemoHooks, r: Omit<DemoResult, 'exitCode'>): void {
  const g = r.generated;
  const rows = Object.values(g.rows).reduce((a, b) => a + b, 0);
  hooks.print(
    `${r.regenerated ? 'regenerated' : 'generated'} ${shown(r.warehouse)} (${g.scenario}): ${g.gameDates} game dates, ` +
      `${g.games} games, ${rows.toLocaleString('en-US')} raw rows in ${g.ms} ms` +
      (r.regenerated ? ' (the earlier demo warehouse was replaced with a fresh one)' : ''),
  );
  if (g.removedTeamBoxDates.length > 0) {
    hooks.print(
      `broken scenario: team box scores removed for ${g.removedTeamBoxDates.length} dates ` +
        `(${g.removedTeamBoxDates[0]} … ${g.removedTeamBoxDates.at(-1)})`,
    );
  }
  const b = r.baseline;
  const present = Object.entries(b.present)
    .map(([step, n]) => `${step} ${n}/${b.expected}`)
    .join(', ');
  hooks.print(`baseline (already present before the run): ${present}`);
  hooks.print(
    `plan copied to ${shown(r.planFile)} (edit it and rerun with \`${commandHint('run', shown(r.planFile))}\`)`,
  );
}

/** Make the demo directory, warehouse and plan copy; no run. */
export async function initDemo(
  opts: DemoOptions,
  hooks: Pick<DemoHooks, 'print'>,
): Promise<Omit<DemoResult, 'exitCode'>> {
  const scenario = parseScenario(opts.scenario);
  const dir = prepareDir(opts.dir ?? DEFAULT_DEMO_DIR);
  const planFile = join(dir, 'plan.yaml');
  const warehouse = join(dir, 'warehouse.db');
  const db = resolve(opts.db ?? join(dir, 'phased.db'));
  const source = planDirectory();
  cpSync(join(source, 'plan.yaml'), planFile);
  rmSync(join(dir, 'sql'), { recursive: true, force: true });
  cpSync(join(source, 'sql'), join(dir, 'sql'), { recursive: true });
  const regenerated = removeDatabase(warehouse);
  const key = { scenario, range: opts.range, planDir: dir };
  const { generated, baseline } = await cachedWarehouse(warehouse, key, async () => ({
    generated: generateWarehouse(warehouse, { scenario, range: opts.range }),
    baseline: await fillBaseline(warehouse, dir),
  }));
  const result = { dir, planFile, warehouse, db, generated, baseline, regenerated };
  describe({ print: hooks.print, drive: async () => 0 }, result);
  return result;
}

/** The whole demo: init, then (unless initOnly) create a run of the copied plan and drive it. */
export async function runDemo(opts: DemoOptions, hooks: DemoHooks): Promise<DemoResult> {
  const init = await initDemo(opts, hooks);
  // The follow-up commands are printed so that they work when pasted (see commandHint).
  const db = ['--db', shown(init.db)];
  if (opts.initOnly) {
    hooks.print('next:');
    hooks.print(`  ${commandHint('run', shown(init.planFile), ...db)}`);
    hooks.print(`  ${commandHint('validate', shown(init.planFile), '--gate', 'phase3')}`);
    return { ...init, exitCode: 0 };
  }
  const overrides = opts.range ? { start: opts.range.start, end: opts.range.end } : {};
  const plan = loadPlan(init.planFile, overrides);
  const store = await openEventStore(init.db);
  let runId: string;
  try {
    runId = await createRun(store, plan, { runId: opts.runId, overrides });
  } finally {
    await store.close();
  }
  hooks.print(`run ${runId}: ${plan.name}, ${plan.range.start} … ${plan.range.end}`);
  const exitCode = await hooks.drive(runId, init.db);
  hooks.print('next:');
  hooks.print(`  ${commandHint('status', runId, ...db)}`);
  hooks.print(`  ${commandHint('replay', runId, ...db)}`);
  hooks.print(`  ${commandHint('validate', shown(init.planFile), '--gate', 'phase3')}`);
  return { ...init, runId, exitCode };
}
