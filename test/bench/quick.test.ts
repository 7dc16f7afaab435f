// `npm run bench -- --quick` still runs: every output line before the table is a JSON result, and every
// scenario's figures appear. No timing assertions: the figures' values are not checked, only their shape, so
// each scenario is measured once (--runs 1) rather than the three times --quick takes for its medians.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../bench/index.js';

describe('bench --quick', () => {
  it('prints one parsable JSON line per figure for every scenario, then the table', () => {
    const r = spawnSync(process.execPath, ['dist/bench/run.js', '--quick', '--runs', '1'], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const cut = r.stdout.indexOf('\n\n');
    const jsonPart = r.stdout.slice(0, cut);
    const table = r.stdout.slice(cut);
    const lines = jsonPart.trim().split('\n');
    const results = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const x of results) {
      expect(Object.keys(x)).toEqual(expect.arrayContaining(['name', 'value', 'unit']));
      expect(x.value === null || typeof x.value === 'number').toBe(true);
      if (x.target !== undefined && x.value !== null) expect(typeof x.ok).toBe('boolean');
    }
    const names = results.map((x) => x.name);
    for (const s of SCENARIOS) for (const n of s.names) expect(names).toContain(n);
    expect(table).toContain('| scenario | median |');
  }, 300_000);

  it('answers --help with its usage, and an unknown option or scenario with exit 2 and no stack trace', () => {
    const bench = (...args: string[]) =>
      spawnSync(process.execPath, ['dist/bench/run.js', ...args], { encoding: 'utf8', timeout: 30_000 });
    const help = bench('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run bench -- .*--quick/);
    for (const s of SCENARIOS) expect(help.stdout).toContain(s.id);
    const bad = bench('--quik');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--quik'");
    expect(bad.stderr).toContain('usage: npm run bench');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const unknown = bench('--only', 'rebuild,nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^--only: unknown scenario nope; known: .*rebuild/);
    expect(unknown.stdout).toBe('');
  });
});
