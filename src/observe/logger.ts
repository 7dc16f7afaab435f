// pino loggers: one JSON log file per run (`<logs>/<run>.log`), each line carrying run, seq, step, partition.
// Owns log formatting only; the driver's event stream is what gets logged.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { Observable } from 'rxjs';
import type { RunEvent } from '../../machines/index.js';

export function runLogPath(dir: string, runId: string): string {
  return join(dir, `${runId}.log`);
}

export function createRunLogger(dir: string, runId: string, level = 'info'): Logger {
  mkdirSync(dir, { recursive: true });
  // Synchronous writes: unit events log at debug (skipped at the default level), so the few lines written
  // cost little, and a line is never lost to an exit right after it.
  const dest = pino.destination({ dest: runLogPath(dir, runId), sync: true, mkdir: true });
  return pino({ level, base: { run: runId } }, dest);
}

const LEVEL: Partial<Record<RunEvent['type'], 'warn' | 'error' | 'debug'>> = {
  UNIT_STARTED: 'debug',
  UNIT_SUCCEEDED: 'debug',
  UNIT_FAILED: 'warn',
  GATE_FAILED: 'error',
  PREREQS_FAILED: 'error',
  RUN_FAILED: 'error',
};

/** Log every event of a driven run. */
export function logEvents(
  logger: Logger,
  events$: Observable<{ stored: { seq: number; at: string }; event: RunEvent }>,
): void {
  events$.subscribe(({ stored, event }) => {
    const level = LEVEL[event.type] ?? 'info';
    const { type, ...data } = event;
    const step = 'step' in event ? event.step : undefined;
    const partition = 'partition' in event ? event.partition : undefined;
    logger[level]({ seq: stored.seq, step, partition, event: type, data }, type);
  });
}

/**
 * A snapshot the run could not save, as a warning in its log: the run goes on (a snapshot is a cache of the log),
 * and its next rebuild folds the events since the snapshot before.
 */
export function logSnapshotError(logger: Logger): (seq: number, err: unknown) => void {
  return (seq, err) =>
    logger.warn(
      { seq, error: err instanceof Error ? err.message : String(err) },
      `snapshot at seq ${seq} not saved: the run goes on; a resume folds the events since the one before`,
    );
}
