// Command steps through the real driver: a script that succeeds, one that exits 1, one that hangs past its timeout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { makeCommandProject } from '../support/bq-command-project.js';
import { readEvents, runCli, tempDir } from '../support/cli.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('command steps end to end', () => {
  it('records success, fails exit 1 with its output, kills and retries a hung script', () => {
    const p = makeCommandProject(tempDir('phased-cmd-e2e-'), [
      { mode: 'ok' },
      { mode: 'fail', retries: 1 },
      { mode: 'hang', timeout: 1, retries: 2 },
    ]);
    const r = runCli(['--db', p.db, 'run', p.plan, '--run-id', 'cmd1']);
    expect(r.stderr).not.toMatch(/internal error/);
    // The failing script leaves its table empty, so the gate blocks.
    expect(r.code).toBe(1);
    const events = readEvents(p.db, 'cmd1');
    const of = (step: string, type: string) => events.filter((e) => e.type === type && e.data.step === step);

    // ok: one attempt per partition, its log file as the job reference, rows in the warehouse.
    expect(of('ok', 'UNIT_SUCCEEDED').map((e) => e.data.partition)).toEqual(expect.arrayContaining(p.dates));
    expect(of('ok', 'UNIT_STARTED')).toHaveLength(p.dates.length);
    const log = String(of('ok', 'UNIT_STARTED')[0].data.jobRef);
    expect(log).toMatch(/logs\/cmd1\/ok\/2024-05-0\d\.log$/);
    expect(readFileSync(log, 'utf8')).toMatch(/wrote 2024-05-0\d/);

    // fail: exit 1 is retried, then final, with the script's last lines in the message.
    const failed = of('fail', 'UNIT_FAILED').map(
      (e) => e.data as { attempt: number; final: boolean; error: { code: string; message: string } },
    );
    expect(failed).toHaveLength(2 * p.dates.length);
    expect(failed.every((f) => f.error.code === 'COMMAND_FAILED')).toBe(true);
    expect(failed.filter((f) => f.final).map((f) => f.attempt)).toEqual([2, 2]);
    expect(failed[0].error.message).toMatch(/exit 1; last lines: boom on 2024-05-0\d/);

    // hang: killed at its timeout (TIMEOUT, retryable), its process gone before the retry ran once and wrote.
    const timeouts = of('hang', 'UNIT_FAILED').map(
      (e) => e.data as { error: { code: string }; final: boolean },
    );
    expect(timeouts).toHaveLength(p.dates.length);
    expect(timeouts.every((t) => t.error.code === 'TIMEOUT' && !t.final)).toBe(true);
    expect(of('hang', 'UNIT_SUCCEEDED').map((e) => e.data.attempt)).toEqual([2, 2]);
    for (const d of p.dates) {
      const [pid] = readFileSync(join(p.markers, `hang.${d}.1`), 'utf8').split(' ');
      expect(alive(Number(pid)), `hung script for ${d} still alive`).toBe(false);
      expect(readFileSync(join(p.markers, `hang.${d}.2`), 'utf8')).toMatch(/prevAlive=false/);
    }

    // Each event names its process: the pid the script itself recorded, its exit status and its log.
    const markerPid = (mode: string, d: string, attempt: number) =>
      Number(readFileSync(join(p.markers, `${mode}.${d}.${attempt}`), 'utf8').split(' ')[0]);
    const logOf = (step: string, d: string) => join(p.dir, 'logs', 'cmd1', step, `${d}.log`);
    for (const e of of('ok', 'UNIT_SUCCEEDED')) {
      const d = String(e.data.partition);
      expect(e.data.command).toEqual({ pid: markerPid('ok', d, 1), exitCode: 0, log: logOf('ok', d) });
    }
    for (const e of of('fail', 'UNIT_FAILED')) {
      const data = e.data as {
        partition: string;
        attempt: number;
        error: { details?: Record<string, unknown> };
      };
      expect(data.error.details).toEqual({
        pid: markerPid('fail', data.partition, data.attempt),
        exitCode: 1,
        signal: null,
        log: logOf('fail', data.partition),
      });
      expect(readFileSync(String(data.error.details?.log), 'utf8')).toContain(`boom on ${data.partition}`);
    }
    for (const e of of('hang', 'UNIT_FAILED')) {
      const data = e.data as { partition: string; error: { details?: Record<string, unknown> } };
      // Killed at its timeout: no exit status, the signal that ended it, the process the first attempt was.
      expect(data.error.details).toMatchObject({
        pid: markerPid('hang', data.partition, 1),
        exitCode: null,
        signal: expect.stringMatching(/^SIG(TERM|KILL)$/),
        log: logOf('hang', data.partition),
      });
    }

    // The gate reports the gap: only the failing step's table is missing.
    const gate = events.find((e) => e.type === 'GATE_FAILED')?.data.report as {
      tables: { step: string; missing: number }[];
    };
    expect(gate.tables.map((t) => [t.step, t.missing])).toEqual([
      ['ok', 0],
      ['fail', p.dates.length],
      ['hang', 0],
    ]);
    const wh = new Database(p.warehouse, { readonly: true });
    try {
      expect(wh.prepare('SELECT COUNT(*) AS n FROM t_ok').get()).toEqual({ n: p.dates.length });
      expect(wh.prepare('SELECT COUNT(*) AS n FROM t_hang').get()).toEqual({ n: p.dates.length });
    } finally {
      wh.close();
    }
  });
});
