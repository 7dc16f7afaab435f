// `phased check` and `phased run` on a BigQuery plan whose SQL does not parse as GoogleSQL: exit 2 naming the
// file and line, before anything runs (no run, no request to BigQuery).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeBqProject, STEP_SQL } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import { runCliAsync, runExists, tempDir } from '../support/cli.js';

describe('GoogleSQL check of a BigQuery plan', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  function broken() {
    const p = makeBqProject(tempDir('phased-bq-sql-'), server);
    // player: inline SQL with a reserved word used as an alias; features: a .sql file broken on its line 3.
    mkdirSync(join(p.dir, 'sql'));
    writeFileSync(
      join(p.dir, 'sql', 'features.sql'),
      '-- features\nSELECT t.game_date\nFROM an.team_summary t WHERE t.game_date = = @partition\n',
    );
    const text = readFileSync(p.plan, 'utf8')
      .replace(STEP_SQL.player, STEP_SQL.player.replace('pts FROM', 'pts partition FROM'))
      .replace(`sql: "${STEP_SQL.features}"`, 'sql: sql/features.sql');
    writeFileSync(p.plan, text);
    const line = text.split('\n').findIndex((l) => l.includes('pts partition FROM')) + 1;
    return { p, line };
  }

  it('check exits 2 naming each field, file and line', async () => {
    const { p, line } = broken();
    const r = await runCliAsync(['check', p.plan], { env: p.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `phases[0].steps[1].sql: expected GoogleSQL that parses: ${p.plan} line ${line}`,
    );
    expect(r.stderr).toMatch(
      /phases\[1\]\.groups\[0\]\.steps\[0\]\.sql: .*sql\/features\.sql line 3, column \d+/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('run refuses before a run exists or BigQuery is asked anything', async () => {
    const { p } = broken();
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', 'bad-sql'], { env: p.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected GoogleSQL that parses');
    expect(runExists(p.db, 'bad-sql')).toBe(false);
    expect(server.inserts).toHaveLength(0);
    expect(server.queries).toHaveLength(0);
  });

  it('check passes the same plan with valid SQL', async () => {
    const p = makeBqProject(tempDir('phased-bq-sql-'), server);
    const r = await runCliAsync(['check', p.plan], { env: p.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('GoogleSQL grammar loading', () => {
  it('is never loaded for a SQLite plan (check, run and resume do not pay for it)', async () => {
    const { execFileSync } = await import('node:child_process');
    const { PROJECT_ROOT } = await import('../support/synthetic.js');
    const script = `
      import { createRequire } from 'node:module';
      import { checkPlanFile } from ${JSON.stringify(join(PROJECT_ROOT, 'dist/src/plan/index.js'))};
      const r = checkPlanFile(${JSON.stringify(join(PROJECT_ROOT, 'plans/nba/plan.yaml'))});
      const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('sql-parser-cst'));
      console.log(JSON.stringify({ ok: r.ok, loaded }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ ok: true, loaded: false });
  });
});
