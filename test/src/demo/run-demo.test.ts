// runDemo on a shortened range (the unit-suite version of `phased demo`): init prints what it made, the run
// reaches succeeded through the real driver, phase3 covers ≥ 95 %, phase4 passes, the feature store joins PGS.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PhasedError } from '../../../machines/index.js';
import { initDemo, parseScenario, prepareDir, runDemo } from '../../../src/demo/index.js';
import { Driver } from '../../../src/engine/index.js';
import { runView } from '../../../src/observe/index.js';
import { openEventStore } from '../../../store/index.js';
import { query, tempDir } from './helpers.js';

// One regular season: long enough for phase4's 60-day windows to cover ≥ 88 % of its dates.
const range = { start: '2023-10-24', end: '2024-04-14' };

async function drive(runId: string, db: string): Promise<number> {
  const store = await openEventStore(db);
  try {
    return (await new Driver({ store, runId, logDir: join(db, '..', 'logs') }).run()).exitCode;
  } finally {
    await store.close();
  }
}

describe('runDemo on a shortened range', () => {
  it('runs the copied NBA plan to succeeded with both gates passed', { timeout: 300_000 }, async () => {
    const dir = join(tempDir(), 'demo');
    const lines: string[] = [];
    const r = await runDemo({ dir, range, runId: 'short1' }, { print: (l) => lines.push(l), drive });
    expect(r.exitCode).toBe(0);
    expect(r.regenerated).toBe(false);
    expect(existsSync(join(dir, 'plan.yaml'))).toBe(true);
    expect(lines.join('\n')).toContain('phased status short1 --db');

    const store = await openEventStore(r.db, { readonly: true });
    const view = await runView(store, 'short1');
    await store.close();
    expect(view.status).toBe('succeeded');
    const gates = view.gates as Record<string, { status: string; report: { tables: TableRow[] } }>;
    expect(gates.phase4.status).toBe('passed');
    for (const t of gates.phase3.report.tables)
      expect(t.present, t.step).toBeGreaterThanOrEqual(0.95 * t.expected);
    const [{ n, orphans }] = query<{ n: number; orphans: number }>(
      r.warehouse,
      `SELECT COUNT(*) AS n, SUM(NOT EXISTS (SELECT 1 FROM nba_analytics_player_game_summary AS p
                                  WHERE p.player_id = f.player_id AND p.game_date = f.game_date)) AS orphans
       FROM nba_predictions_ml_feature_store_v2 AS f`,
    );
    expect(n).toBeGreaterThan(0);
    expect(orphans).toBe(0);
  });

  it('init-only makes the warehouse and plan but no run; a second init regenerates', {
    timeout: 120_000,
  }, async () => {
    const dir = join(tempDir(), 'demo');
    const first = await initDemo({ dir, range, initOnly: true }, { print: () => {} });
    expect(first.regenerated).toBe(false);
    expect(first.baseline.present.player_game_summary).toBe(first.baseline.expected);
    const lines: string[] = [];
    const again = await initDemo(
      { dir, range, scenario: 'broken', initOnly: true },
      { print: (l) => lines.push(l) },
    );
    expect(again.regenerated).toBe(true);
    expect(again.generated.removedTeamBoxDates.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^regenerated .*warehouse\.db \(broken\)/);
    expect(existsSync(join(dir, 'phased.db'))).toBe(false);
  });

  it('refuses an unknown scenario and a directory below a file with BAD_ARGUMENT', () => {
    expect(() => parseScenario('nonsense')).toThrow(/expected healthy or broken/);
    const file = join(tempDir(), 'plain');
    writeFileSync(file, '');
    let caught: unknown;
    try {
      prepareDir(join(file, 'demo'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PhasedError);
    expect((caught as PhasedError).code).toBe('BAD_ARGUMENT');
  });
});

interface TableRow {
  step: string;
  expected: number;
  present: number;
}
