// Command steps: a script per partition, output appended to its log with a header per attempt, exit codes exact.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepSpec } from '../../../machines/index.js';
import { commandPidPath, openCommandBackend } from '../../../src/warehouse/command.js';
import type { UnitRef } from '../../../src/warehouse/types.js';

function step(argv: string[], extra: Partial<NonNullable<StepSpec['command']>> = {}): StepSpec {
  return {
    id: 'player_daily_cache',
    table: 'nba_precompute_player_daily_cache',
    kind: 'command',
    partitionColumn: 'cache_date',
    command: { argv, ...extra },
    concurrency: 2,
    retries: 1,
    refill: 'missing',
  };
}

const unitOf = (s: StepSpec, partition: string, attempt = 1): UnitRef => ({
  runId: 'run1',
  step: s,
  partition,
  attempt,
  range: { start: '2024-01-01', end: '2024-01-31' },
});

describe('command steps', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phased-cmd-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs the argv with {partition} substituted and logs its output under a header', async () => {
    const script =
      'console.log("cache for", process.argv[1], "in", process.cwd(), process.env.SEASON); console.error("note")';
    const s = step([process.execPath, '-e', script, '{partition}'], { cwd: dir, env: { SEASON: '2023-24' } });
    const backend = openCommandBackend({ logDir: join(dir, 'logs') });
    const u = unitOf(s, '2024-01-15');
    const log = backend.jobRefFor(u)!;
    expect(log).toBe(join(dir, 'logs', 'run1', 'player_daily_cache', '2024-01-15.log'));

    const result = await backend.materialize(u);
    expect(result).toMatchObject({ rows: 0, jobRef: log });
    await backend.materialize(unitOf(s, '2024-01-15', 2));
    const text = await readFile(log, 'utf8');
    expect(text).toContain(`cache for 2024-01-15 in ${dir} 2023-24`);
    expect(text).toContain('note');
    expect(text.match(/^=== phased .* attempt \d/gm)?.map((l) => l.slice(-9))).toEqual([
      'attempt 1',
      'attempt 2',
    ]);
    expect(existsSync(commandPidPath(join(dir, 'logs'), u))).toBe(false);
  });

  it('fails a non-zero exit with COMMAND_FAILED naming the exit code, last lines and log', async () => {
    const script =
      'console.log("loaded 3 of 16 teams"); console.error("boom: upstream table empty"); process.exit(3)';
    const backend = openCommandBackend({ logDir: join(dir, 'logs') });
    const u = unitOf(step([process.execPath, '-e', script]), '2024-01-16');
    const err = await backend.materialize(u).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'COMMAND_FAILED', retryable: true, details: { exitCode: 3 } });
    const message = (err as Error).message;
    expect(message).toContain('step player_daily_cache partition 2024-01-16: exit 3');
    expect(message).toContain('boom: upstream table empty');
    expect(message).toContain(backend.jobRefFor(u)!);
  });

  it('fails a command that cannot start without retrying it', async () => {
    const backend = openCommandBackend({ logDir: join(dir, 'logs') });
    const u = unitOf(step([join(dir, 'no-such-script.sh')]), '2024-01-17');
    await expect(backend.materialize(u)).rejects.toMatchObject({ code: 'COMMAND_FAILED', retryable: false });
  });
});
