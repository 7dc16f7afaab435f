// Child process for resume_naive_ms: a naive xstate + SQLite resume, the comparison the architecture issue makes,
// with no phased code at all. A CommonJS script (as the bundled CLI is) loads xstate and better-sqlite3, opens
// the run's SQLite log, reads its last event, starts an actor of a two-state machine and commits one event row
// after it; then prints the wall-clock time as JSON and exits. No chain check, lease, plan or warehouse. The
// resume ratios divide by it: what is left over 1 is phased's own start-up.
// Usage: node resume-naive-child.cjs DB RUN

import Database from 'better-sqlite3';
import { createActor, createMachine } from 'xstate';

function main(): void {
  const [file, runId] = process.argv.slice(2);
  if (!file || !runId) throw new Error('usage: resume-naive-child DB RUN');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const last = db
    .prepare('SELECT seq, hash FROM events WHERE run_id = ? ORDER BY seq DESC LIMIT 1')
    .get(runId) as { seq: number; hash: string } | undefined;
  if (!last) throw new Error(`run ${runId} has no event in ${file}`);
  const actor = createActor(
    createMachine({ initial: 'resuming', states: { resuming: { on: { START: 'running' } }, running: {} } }),
  ).start();
  actor.send({ type: 'START' });
  const state = JSON.stringify(actor.getSnapshot().value);
  const data = JSON.stringify({ step: 'naive', partition: '2024-01-01', attempt: 1, reason: 'first' });
  db.transaction(() => {
    db.prepare(
      'INSERT INTO events (run_id, seq, at, type, data, state, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(runId, last.seq + 1, new Date().toISOString(), 'UNIT_STARTED', data, state, last.hash, 'naive');
  }).immediate();
  const at = performance.timeOrigin + performance.now();
  process.stdout.write(`${JSON.stringify({ firstUnitAt: at })}\n`, () => process.exit(0));
}

main();
