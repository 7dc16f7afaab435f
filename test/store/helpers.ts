// Shared fixtures for the store tests: temp database files, runs and event builders.
// Real SQLite files only; nothing here stands in for the store itself.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventFromRow, type RunEventType } from '../../machines/index.js';
import type { EventStore, NewEvent, RunStatus, SqliteStore, StoredEvent } from '../../store/index.js';

const dirs: string[] = [];

/** A fresh temp directory, removed by removeTempDirs(). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'phased-store-'));
  dirs.push(dir);
  return dir;
}

export function tempDbFile(): string {
  return join(tempDir(), 'phased.db');
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export const AT = '2025-01-02T03:04:05.000Z';

export function createRun(store: SqliteStore, runId = 'run-1', createdAt = AT): string {
  store.createRun({
    runId,
    planName: 'nba-phase3-phase4',
    planHash: 'plan-hash',
    planJson: '{"name":"nba-phase3-phase4"}',
    machineVersion: '1',
    createdAt,
  });
  return runId;
}

/** createRun through the asynchronous interface (the contract suite). */
export async function newRun(store: EventStore, runId = 'run-1', createdAt = AT): Promise<string> {
  await store.createRun({
    runId,
    planName: 'nba-phase3-phase4',
    planHash: 'plan-hash',
    planJson: '{"name":"nba-phase3-phase4"}',
    machineVersion: '1',
    createdAt,
  });
  return runId;
}

/** Appends events at the current head through the interface (no other writer expected). */
export async function appendAt(store: EventStore, runId: string, events: NewEvent[]): Promise<StoredEvent[]> {
  return store.append(runId, (await store.head(runId)).seq, events);
}

/** appendMany through the interface. */
export async function appendManyAt(store: EventStore, runId: string, n: number, batch = 1000): Promise<void> {
  for (let i = 0; i < n; i += batch) {
    const events: NewEvent[] = [];
    for (let j = i; j < Math.min(n, i + batch); j++) {
      const p = `p${j >> 1}`;
      events.push(j % 2 === 0 ? started('step_a', p) : succeeded('step_a', p, j));
    }
    await appendAt(store, runId, events);
  }
}

/** Every event of a run, read through the interface's paged iterator. */
export async function allEvents(
  store: EventStore,
  runId: string,
  opts?: { fromSeq?: number; toSeq?: number },
): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of store.events(runId, opts)) out.push(e);
  return out;
}

export function ev(
  type: RunEventType,
  data: Record<string, unknown> = {},
  opts: { status?: RunStatus; state?: unknown; at?: string } = {},
): NewEvent {
  return {
    event: eventFromRow(type, data),
    at: opts.at ?? AT,
    state: opts.state ?? 'active',
    status: opts.status ?? 'running',
  };
}

/** Appends events after the current head (no external events expected). */
export function appendAll(store: SqliteStore, runId: string, events: NewEvent[]): StoredEvent[] {
  return store.append(runId, store.head(runId).seq, events);
}

export function started(step: string, partition: string, attempt = 1, jobRef?: string): NewEvent {
  return ev('UNIT_STARTED', { step, partition, attempt, reason: attempt === 1 ? 'first' : 'retry', jobRef });
}

export function succeeded(step: string, partition: string, rows: number, attempt = 1): NewEvent {
  return ev('UNIT_SUCCEEDED', { step, partition, attempt, rows, ms: 3 });
}

export function failed(step: string, partition: string, final: boolean, attempt = 1): NewEvent {
  return ev('UNIT_FAILED', {
    step,
    partition,
    attempt,
    final,
    error: { code: 'QUERY', message: `boom ${partition}`, retryable: !final },
  });
}

export function baseline(steps: Record<string, string[]>): NewEvent {
  return ev('BASELINE_RECORDED', {
    partitions: Math.max(0, ...Object.values(steps).map((p) => p.length)),
    steps: Object.entries(steps).map(([step, toRun]) => ({
      step,
      expected: toRun.length,
      present: 0,
      missing: toRun.length,
      toRun,
    })),
  });
}

/** `n` ISO dates from 2024-01-01 on. */
export function dates(n: number): string[] {
  const start = Date.UTC(2024, 0, 1);
  return Array.from({ length: n }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

/** Appends `n` events (alternating started/succeeded over fresh partitions) in batches. */
export function appendMany(store: SqliteStore, runId: string, n: number, batch = 1000): void {
  for (let i = 0; i < n; i += batch) {
    const events: NewEvent[] = [];
    for (let j = i; j < Math.min(n, i + batch); j++) {
      const p = `p${j >> 1}`;
      events.push(j % 2 === 0 ? started('step_a', p) : succeeded('step_a', p, j));
    }
    appendAll(store, runId, events);
  }
}
