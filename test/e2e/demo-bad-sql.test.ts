// A copied demo plan whose step SQL does not parse is refused before a run exists (exit 2, the file and line
// named). SQL that parses but names a column the warehouse lacks: each unit of that step fails once,
// non-retryably, with SQLite's message and the step and partition named; the run ends blocked at the gate
// (exit 1), never crashes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExists } from '../support/cli.js';
import { loggedEvents, phased, tempDir } from '../support/demo.js';

describe('a demo plan with a SQL syntax error', () => {
  it('is refused before it runs; a missing column fails the units with QUERY, not retried, and the run ends blocked', async () => {
    const dir = join(tempDir(), 'demo');
    const init = await phased(['demo', '--dir', dir, '--init-only']);
    expect(init.code, init.stderr).toBe(0);
    const step = 'upcoming_team_game_context';
    const sqlFile = join(dir, 'sql/sqlite/phase3', `${step}.sql`);
    writeFileSync(
      sqlFile,
      '-- context\nSELEC game_date FROM nba_raw_schedule WHERE game_date = @partition\n',
    );
    const db = join(dir, 'phased.db');
    const args = ['run', join(dir, 'plan.yaml'), '--db', db, '--run-id', 'badsql'];
    const refused = await phased([...args, '--start', '2022-01-03', '--end', '2022-01-05']);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(
      `expected SQLite SQL that parses: sql/sqlite/phase3/${step}.sql line 2, column 1: near "SELEC": syntax error`,
    );
    expect(refused.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(runExists(db, 'badsql')).toBe(false);

    writeFileSync(
      sqlFile,
      'SELECT game_date, no_such_column FROM nba_raw_schedule WHERE game_date = @partition\n',
    );
    const r = await phased([...args, '--start', '2022-01-03', '--end', '2022-01-05', '--refill', 'all']);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(1);

    const failed = loggedEvents(db, 'UNIT_FAILED').filter((e) => e.data.step === step);
    const partitions = failed.map((e) => String(e.data.partition)).sort();
    expect(partitions).toEqual(['2022-01-03', '2022-01-04', '2022-01-05']);
    for (const e of failed) {
      const error = e.data.error as { code: string; message: string; retryable: boolean };
      expect(error.code).toBe('QUERY');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('no such column: no_such_column');
      expect(error.message).toContain(step);
      expect(error.message).toContain(String(e.data.partition));
    }
    const attempts = loggedEvents(db, 'UNIT_STARTED').filter((e) => e.data.step === step);
    expect(attempts).toHaveLength(3);
    expect(loggedEvents(db, 'UNIT_FAILED').filter((e) => e.data.step !== step)).toEqual([]);

    const status = await phased(['status', 'badsql', '--db', db, '--json']);
    expect(JSON.parse(status.stdout).status).toBe('blocked');
  }, 240_000);
});
