// expect.minRows: a unit whose SELECT returns fewer rows than its minRows query says fails with EXPECTATION
// (and writes nothing), and a partition short of rows in the table is not counted as present by the gate.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { byStep, type GateReportJson, loggedEvents, phased, rows, tempDir } from '../support/demo.js';

const TOGS = 'nba_analytics_team_offense_game_summary';

describe('expect.minRows on the demo plan', () => {
  it('fails a short unit with EXPECTATION and leaves short partitions out of coverage', async () => {
    const dir = join(tempDir(), 'demo');
    const init = await phased(['demo', '--dir', dir, '--init-only']);
    expect(init.code, init.stderr).toBe(0);
    const warehouse = join(dir, 'warehouse.db');
    // Two dates with several games each, both present in TOGS at the baseline.
    const [shortUnit, shortRows] = rows<{ d: string }>(
      warehouse,
      `SELECT game_date AS d FROM nba_raw_schedule WHERE game_date >= '2023-01-10'
       GROUP BY game_date HAVING COUNT(*) >= 3 ORDER BY game_date LIMIT 2`,
    ).map((r) => r.d);
    const db = new Database(warehouse);
    const game = db
      .prepare('SELECT game_id FROM nba_raw_schedule WHERE game_date = ? ORDER BY game_id LIMIT 1')
      .pluck()
      .get(shortUnit) as string;
    db.prepare('DELETE FROM nba_raw_team_box_scores WHERE game_id = ?').run(game);
    db.prepare(`DELETE FROM ${TOGS} WHERE game_date = ?`).run(shortUnit);
    const oneRow = db.prepare(`SELECT rowid FROM ${TOGS} WHERE game_date = ? LIMIT 1`).pluck().get(shortRows);
    db.prepare(`DELETE FROM ${TOGS} WHERE rowid = ?`).run(oneRow);
    db.close();

    const plan = join(dir, 'plan.yaml');
    const before = await phased(['validate', plan, '--gate', 'phase3', '--json']);
    const togsBefore = byStep(JSON.parse(before.stdout) as GateReportJson).team_offense_game_summary;
    expect([togsBefore.present, togsBefore.short]).toEqual([846, 1]);

    const logDb = join(dir, 'phased.db');
    const r = await phased(['run', plan, '--db', logDb, '--start', shortUnit, '--end', shortUnit]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(1);
    const failed = loggedEvents(logDb, 'UNIT_FAILED');
    expect(failed.map((e) => [e.data.step, e.data.partition])).toEqual([
      ['team_offense_game_summary', shortUnit],
    ]);
    const error = failed[0].data.error as { code: string; message: string; retryable: boolean };
    expect(error.code).toBe('EXPECTATION');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/expected at least \d+ \(expect\.minRows\)/);
    expect(rows(warehouse, `SELECT 1 FROM ${TOGS} WHERE game_date = ?`, shortUnit)).toEqual([]);

    const after = await phased(['validate', plan, '--gate', 'phase3', '--json']);
    const togs = byStep(JSON.parse(after.stdout) as GateReportJson).team_offense_game_summary;
    expect([togs.present, togs.short]).toEqual([846, 1]);
  }, 240_000);
});
