// Bad input: every malformed plan exits 2 with a message naming file, path and expectation, and creates
// no run; a wrong run id exits 2. Never a stack trace.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openStore } from '../../store/index.js';
import { runCli, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

const cases: { name: string; edit: (plan: string) => string; message: RegExp }[] = [
  {
    name: 'unknown key',
    edit: (s) => s.replace('concurrency: 3 }', 'concurency: 3 }'),
    message: /phases\[0\]\.steps\[0\].*concurency/s,
  },
  {
    name: 'duplicate step id',
    edit: (s) => s.replace('{ id: b,', '{ id: a,'),
    message: /unique across the plan, found .a. again/,
  },
  {
    name: 'missing SQL file',
    edit: (s) =>
      s.replace(
        'partitions: SELECT d AS partition FROM calendar WHERE d BETWEEN @start AND @end',
        'partitions: sql/nope.sql',
      ),
    message: /partitions.*nope\.sql/s,
  },
  {
    name: 'empty phase',
    edit: (s) =>
      s.replace(
        / {4}steps:\n {6}- \{ id: a[\s\S]*?gate: \{ minCoverage: 1 \}\n/,
        '    steps: []\n    gate: { minCoverage: 1 }\n',
      ),
    message: /phases\[0\]/,
  },
  {
    name: 'start after end',
    edit: (s) =>
      s.replace(/range: \{ start: [0-9-]+, end: ([0-9-]+) \}/, 'range: { start: 2030-01-01, end: $1 }'),
    message: /range/,
  },
  {
    name: 'bad date',
    edit: (s) => s.replace(/range: \{ start: [0-9-]+,/, 'range: { start: 2024-02-30,'),
    message: /range\.start.*2024-02-30/s,
  },
  {
    name: 'non-identifier table',
    edit: (s) => s.replace('table: a,', 'table: "a b",'),
    message: /phases\[0\]\.steps\[0\]\.table/,
  },
];

for (const c of cases) {
  it(`a plan with ${c.name} exits 2 and creates no run`, () => {
    const dir = tempDir('phased-bad-');
    const p = makeSyntheticProject(dir, { dates: 5 });
    const text = readFileSync(p.plan, 'utf8');
    const edited = c.edit(text);
    expect(edited, 'the test edit must change the plan').not.toBe(text);
    writeFileSync(p.plan, edited);
    const db = join(dir, 'phased.db');
    for (const args of [
      ['check', p.plan],
      ['--db', db, 'run', p.plan],
    ]) {
      const r = runCli(args);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain('plan.yaml');
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    if (existsSync(db)) {
      const store = openStore(db, { readonly: true });
      expect(store.listRuns()).toEqual([]);
      store.close();
    }
  });
}

it('a wrong run id exits 2 naming it, for status and resume', () => {
  const dir = tempDir('phased-bad-');
  const p = makeSyntheticProject(dir, { dates: 3 });
  const db = join(dir, 'phased.db');
  expect(runCli(['--db', db, 'run', p.plan, '--run-id', 'real']).code).toBe(0);
  for (const cmd of ['status', 'resume']) {
    const r = runCli(['--db', db, cmd, 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run nope not found/);
    expect(r.stderr).toMatch(/real/);
  }
});

it('a missing warehouse file exits 2 before any run exists', () => {
  const dir = tempDir('phased-bad-');
  const p = makeSyntheticProject(dir, { dates: 3 });
  writeFileSync(p.plan, readFileSync(p.plan, 'utf8').replace('path: warehouse.db', 'path: elsewhere.db'));
  const db = join(dir, 'phased.db');
  const r = runCli(['--db', db, 'run', p.plan]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/elsewhere\.db/);
  if (existsSync(db)) {
    const store = openStore(db, { readonly: true });
    expect(store.listRuns()).toEqual([]);
    store.close();
  }
});

it('a daemon --grace-ms that is not a number of milliseconds exits 2 before driving anything', () => {
  const db = join(tempDir('phased-bad-'), 'phased.db');
  const r = runCli(['--db', db, 'daemon', '--grace-ms', 'soon']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--grace-ms soon is not valid/);
});
