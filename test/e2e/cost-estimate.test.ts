// `phased run --dry-run` estimates: bytes per step from BigQuery dry runs (sampled evenly past the sample
// size), their cost at the plan's price, what is not estimated; on SQLite rows and seconds, labelled.
// Expected bytes are computed here from the source rows by BigQuery's data-size rules, not read from phased.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Estimate } from '../../src/cost/index.js';
import { makeBqProject } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import { runCli, runCliAsync, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

/** BigQuery's logical size of a row's values: INT64/DATE 8 bytes, STRING 2 + UTF-8 length, NULL 0. */
function rowBytes(row: Record<string, unknown>, types: Record<string, string>): number {
  let n = 0;
  for (const [col, type] of Object.entries(types)) {
    const v = row[col];
    if (v === null || v === undefined) continue;
    n += type === 'STRING' ? 2 + Buffer.byteLength(String(v), 'utf8') : 8;
  }
  return n;
}

/** What `phased run --dry-run --json` prints as `estimate`: the estimate module's own shape. */
type JsonEstimate = Estimate;

describe('cost estimate (run --dry-run)', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  it('on BigQuery: bytes per step from sampled dry runs, cost at the plan price, the sample named', async () => {
    const dir = tempDir('phased-cost-');
    const p = makeBqProject(dir, server, { dates: 30 });
    server.dryRunBytes = undefined; // the server reports bytes by BigQuery's rules
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(p.plan, `${readFileSync(p.plan, 'utf8')}cost: { pricePerTiB: 5 }\n`);
    const games = server.rows('raw.games');
    const box = server.rows('raw.box');
    const gamesBytes = games.reduce<number>(
      (n, r) => n + rowBytes(r, { game_date: 'DATE', team: 'STRING', pts: 'INT64' }),
      0,
    );
    const boxBytes = box.reduce<number>(
      (n, r) => n + rowBytes(r, { game_date: 'DATE', player: 'STRING', team: 'STRING', pts: 'INT64' }),
      0,
    );
    expect(gamesBytes).toBeGreaterThan(0);

    const r = await runCliAsync(['--db', p.db, '--json', 'run', p.plan, '--dry-run'], { env: p.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const est = (JSON.parse(r.stdout) as { estimate: JsonEstimate }).estimate;
    const team = est.steps.find((s) => s.step === 'team')!;
    const player = est.steps.find((s) => s.step === 'player')!;
    const features = est.steps.find((s) => s.step === 'features')!;
    // 30 partitions to run, 12 sampled evenly, first and last included.
    expect(team.sample?.size).toBe(12);
    expect(team.sample?.of).toBe(30);
    expect(team.sample?.partitions[0]).toBe(p.dates[0]);
    expect(team.sample?.partitions.at(-1)).toBe(p.dates[29]);
    const teamDryRuns = server.dryRuns.filter((d) => d.query.includes('FROM raw.games'));
    // One dry run for the prerequisite check, one per sampled partition.
    expect(new Set(teamDryRuns.map((d) => d.parameters.partition?.value))).toEqual(
      new Set(team.sample?.partitions),
    );
    expect(team.bytesPerUnit).toBe(gamesBytes);
    expect(team.bytes).toBe(gamesBytes * 30);
    expect(player.bytes).toBe(boxBytes * 30);
    expect(features.bytes).toBeUndefined();
    expect(features.basis).toMatch(/not estimated: reads (team_summary|player_summary)/);
    expect(est.bytes).toBe((gamesBytes + boxBytes) * 30);
    expect(est.pricePerTiB).toBe(5);
    expect(est.cost).toBeCloseTo(((gamesBytes + boxBytes) * 30 * 5) / 2 ** 40, 12);
    expect(est.sampled).toBe(true);
    expect(est.sampleSize).toBe(12);
    expect(est.notEstimated.join(' ')).toMatch(/capacity .*slot time, not bytes/);

    const text = await runCliAsync(['--db', p.db, 'run', p.plan, '--dry-run'], { env: p.env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('estimate (on-demand, $5.00 per TiB):');
    expect(text.stdout).toMatch(
      new RegExp(
        `team: 30 units × ~.*= .*\\(${gamesBytes * 30} bytes\\), \\$.*BigQuery dry runs of 12 of 30`,
      ),
    );
    expect(text.stdout).toContain(`total: `);
    expect(text.stdout).toMatch(/sampled: .* measured on 12 partitions/);
    expect(text.stdout).toMatch(/not estimated: capacity \(slot, editions\) pricing/);
  });

  it('uses the on-demand list price without cost.pricePerTiB, and measures every partition when few', async () => {
    const p = makeBqProject(tempDir('phased-cost-'), server, { dates: 5 });
    server.dryRunBytes = undefined;
    const r = await runCliAsync(['--db', p.db, '--json', 'run', p.plan, '--dry-run'], { env: p.env });
    expect(r.code).toBe(0);
    const est = (JSON.parse(r.stdout) as { estimate: JsonEstimate }).estimate;
    expect(est.pricePerTiB).toBe(6.25);
    expect(est.sampled).toBe(false);
    expect(est.steps.find((s) => s.step === 'team')?.sample?.size).toBe(5);
  });

  it('on SQLite: rows and seconds measured, labelled as such, nothing created', () => {
    const dir = tempDir('phased-cost-sqlite-');
    const s = makeSyntheticProject(dir, { dates: 8 });
    const r = runCli(['--db', `${dir}/phased.db`, '--json', 'run', s.plan, '--dry-run']);
    expect(r.code).toBe(0);
    const est = (JSON.parse(r.stdout) as { estimate: JsonEstimate }).estimate;
    const a = est.steps.find((x) => x.step === 'a')!;
    // The synthetic source has 5 rows per date; nothing is present, so the sampled SELECTs give the rows.
    expect(a.rows).toBe(5 * 8);
    expect(a.seconds).toBeGreaterThan(0);
    expect(a.sample?.size).toBe(3);
    expect(a.basis).toMatch(/seconds: the step's SELECT timed on 3 of 8 partitions/);
    expect(est.steps.find((x) => x.step === 'c')?.basis).toMatch(/command step: not estimated/);
    expect(est.notEstimated.join(' ')).toMatch(/SQLite has no billing/);
    const text = runCli(['--db', `${dir}/phased.db`, 'run', s.plan, '--dry-run']);
    expect(text.stdout).toContain('estimate (measured on this SQLite warehouse, not billed):');
    expect(text.stdout).toMatch(/a: 8 units × ~5 rows, .* = 40 rows/);
  });
});
