// Command steps: run an existing script per partition in its own process group, with log, pidfile and timeout.
// Each outcome names its process (pid, exit code or signal, log) for the unit's event.
// It owns spawning and reconciling those processes; reads (queries, coverage) belong to the plan's warehouse.

import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type CommandRecord, UnitError } from '../../machines/index.js';
import { killGroup, killOrphan, procStartTime, removePidFile, writePidFile } from './command-proc.js';
import type { MaterializeResult, UnitBackend, UnitRef } from './types.js';

export { killOrphan } from './command-proc.js';

export interface CommandBackendOptions {
  /** Root of the step logs, e.g. `.phased/logs`. */
  logDir: string;
  /** Grace between SIGTERM and SIGKILL when a group is stopped (default 2 s). */
  killGraceMs?: number;
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');

/** `<logDir>/<run>/<step>/<partition>.log`, known before the process starts. */
export function commandLogPath(logDir: string, unit: Pick<UnitRef, 'runId' | 'step' | 'partition'>): string {
  return join(logDir, safe(unit.runId), safe(unit.step.id), `${safe(unit.partition)}.log`);
}

export function commandPidPath(logDir: string, unit: Pick<UnitRef, 'runId' | 'step' | 'partition'>): string {
  return commandLogPath(logDir, unit).replace(/\.log$/, '.pid');
}

/** The last non-empty lines of this attempt's output (after its header line). */
async function lastLines(log: string, header: string, n = 5): Promise<string> {
  const text = await readFile(log, 'utf8').catch(() => '');
  const own = text.slice(text.lastIndexOf(header) + header.length);
  const lines = own.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-n).join(' | ') || '(no output)';
}

/** A unit backend only: it has no reads, which belong to the plan's warehouse (see route.ts). */
export function openCommandBackend(opts: CommandBackendOptions): UnitBackend {
  const grace = opts.killGraceMs ?? 2_000;

  async function run(unit: UnitRef, signal?: AbortSignal): Promise<MaterializeResult> {
    const what = `step ${unit.step.id} partition ${unit.partition}`;
    const cmd = unit.step.command;
    if (!cmd || cmd.argv.length === 0) {
      throw new UnitError('INVALID_COMMAND', `${what}: kind command needs command.argv in the plan`, false);
    }
    if (signal?.aborted) throw new UnitError('CANCELLED', `${what}: cancelled before it started`, false);
    const argv = cmd.argv.map((a) => a.replaceAll('{partition}', unit.partition));
    const log = commandLogPath(opts.logDir, unit);
    const pidfile = commandPidPath(opts.logDir, unit);
    await mkdir(dirname(log), { recursive: true });
    const header = `=== phased ${new Date().toISOString()} run ${unit.runId} ${what} attempt ${unit.attempt}: ${JSON.stringify(argv)} ===\n`;
    const fd = openSync(log, 'a');
    writeSync(fd, header);
    const started = performance.now();
    // Loaded on first use: a run with no command step (and every start-up) does without it.
    const { spawn } = await import('node:child_process');
    const child = spawn(argv[0], argv.slice(1), {
      cwd: cmd.cwd,
      env: { ...process.env, ...cmd.env, PHASED_RUN_ID: unit.runId, PHASED_PARTITION: unit.partition },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
      (resolve) => {
        child.once('error', (error) => resolve({ code: null, signal: null, error }));
        child.once('exit', (code, sig) => resolve({ code, signal: sig }));
      },
    );
    const pid = child.pid;
    if (pid !== undefined) {
      await writePidFile(pidfile, { pid, startTime: procStartTime(pid), attempt: unit.attempt, argv, log });
    }

    let stopped: 'timeout' | 'cancel' | undefined;
    const stop = (why: 'timeout' | 'cancel') => {
      if (stopped || pid === undefined) return;
      stopped = why;
      void killGroup(pid, grace);
    };
    const timer = cmd.timeoutMs ? setTimeout(() => stop('timeout'), cmd.timeoutMs) : undefined;
    const onAbort = () => stop('cancel');
    signal?.addEventListener('abort', onAbort, { once: true });
    const result = await exited;
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    // The leader is gone; make sure nothing it started in its group outlives a stopped unit.
    if (stopped && pid !== undefined) await killGroup(pid, grace);
    await removePidFile(pidfile);

    const ms = Math.round(performance.now() - started);
    // What the log records about the process, on success and in every failure's details.
    const proc: CommandRecord = { pid, exitCode: result.code, signal: result.signal, log };
    if (result.error) {
      throw new UnitError(
        'COMMAND_FAILED',
        `${what}: cannot start ${argv[0]}: ${result.error.message}`,
        false,
        { ...proc, error: result.error.message },
      );
    }
    if (stopped === 'timeout') {
      throw new UnitError(
        'TIMEOUT',
        `${what}: no exit after ${cmd.timeoutMs} ms; its process group was killed; log: ${log}`,
        true,
        { ...proc },
      );
    }
    if (stopped === 'cancel') {
      throw new UnitError(
        'CANCELLED',
        `${what}: cancelled; its process group was killed; log: ${log}`,
        false,
        { ...proc },
      );
    }
    if (result.code !== 0) {
      const status = result.code === null ? `killed by ${result.signal}` : `exit ${result.code}`;
      const tail = await lastLines(log, header);
      throw new UnitError('COMMAND_FAILED', `${what}: ${status}; last lines: ${tail}; log: ${log}`, true, {
        ...proc,
      });
    }
    return { rows: 0, ms, jobRef: log, command: { pid, exitCode: 0, log } };
  }

  return {
    jobRefFor: (unit) => commandLogPath(opts.logDir, unit),
    materialize: run,
    async reconcile(unit) {
      // Whatever it did, an orphan from a killed driver is stopped, and the unit runs again (idempotent scripts).
      await killOrphan(commandPidPath(opts.logDir, unit), grace);
      return { status: 'unknown' };
    },
    async close() {
      // Nothing held open: each unit owns its own process and file descriptors.
    },
  };
}
