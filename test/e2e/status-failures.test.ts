// Units that fail for good are listed by error code, with step, partition, attempts and message, in the run's
// closing summary, `status RUN` and `status RUN --json`; a retry that re-opens them clears the list.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

it('lists failed units by error code in the summary and in status', () => {
  const dir = tempDir('phased-failures-');
  const flaky = ['2024-01-02', '2024-01-04'];
  // The command step fails once on the flaky dates, and with no retries that failure is final.
  const p = makeSyntheticProject(dir, { dates: 6, flaky, retries: 0 });
  const db = join(dir, 'phased.db');
  const run = runCli(['--db', db, 'run', p.plan, '--run-id', 'f1']);
  expect(run.code, run.stderr).toBe(1);
  const header = /failed units: 2, by error code\n {2}(\S+): 2 units\n/;
  const m = header.exec(run.stdout);
  expect(m, run.stdout).not.toBeNull();
  const code = (m as RegExpExecArray)[1];
  for (const d of flaky)
    expect(run.stdout).toMatch(new RegExp(`\\n {4}c ${d} \\(1 attempt\\): .*transient failure for ${d}`));
  expect(run.stdout).toContain('phased retry f1');
  // The commands shown carry the --db the run was given, so they work as shown.
  expect(run.stdout).toContain(`retry f1 --db ${db}\`; --step/--partition narrow it)`);
  expect(run.stdout).toContain(`events: ${db} (`);
  expect(run.stdout).toContain(` replay f1 --db ${db})`);

  const text = runCli(['--db', db, 'status', 'f1']);
  expect(text.stdout).toMatch(header);
  expect(text.stdout).toContain(`retry f1 --db ${db}\`; --step/--partition narrow it)`);
  // What each count counts: the run list counts units (step × partition) this run computes; the per-step
  // table and the summary count partitions of each step.
  expect(text.stdout).toContain('partitions per step');
  expect(run.stdout).toContain('partitions done/failed/total');
  const list = runCli(['--db', db, 'status']).stdout;
  // 5 steps × 6 dates = 30 units; phase 1's 3 × 6 ran, 2 of them failed; phase 2 never started.
  expect(list).toMatch(/f1 .* 16\/30 units /);
  expect(list).toContain('units: one per step × partition');
  for (const d of flaky) expect(text.stdout).toMatch(new RegExp(`\\n {4}c ${d} \\(1 attempt\\): `));

  const json = JSON.parse(runCli(['--db', db, 'status', 'f1', '--json']).stdout);
  expect(json.failures).toHaveLength(1);
  expect(json.failures[0]).toMatchObject({ code, count: 2 });
  expect(json.failures[0].units.map((u: { partition: string }) => u.partition)).toEqual(flaky);
  for (const u of json.failures[0].units) {
    expect(u).toMatchObject({ step: 'c', attempts: 1 });
    expect(u.message).toContain(`transient failure for ${u.partition}`);
  }

  // Re-opened and run again (the command now succeeds): nothing failed is listed any more.
  expect(runCli(['--db', db, 'retry', 'f1']).code).toBe(0);
  const resumed = runCli(['--db', db, 'resume', 'f1']);
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.stdout).not.toContain('failed units');
  expect(JSON.parse(runCli(['--db', db, 'status', 'f1', '--json']).stdout).failures).toEqual([]);
}, 120_000);
