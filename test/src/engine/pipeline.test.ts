// The run log on a store that pipelines (PostgreSQL): a commit marked `pipeline` is decided on the state the
// commits in flight leave and sent before they are durable; any other commit waits for them. A failure sends the
// commits behind it round again, alone and in order, after folding what another writer appended; a lost lease is
// every one's error. Real server, real store, real machine.
import { describe, expect, it } from 'vitest';
import { PhasedError, type RunEvent } from '../../../machines/index.js';
import { RunLog } from '../../../src/engine/index.js';
import type { EventStore, StoredEvent } from '../../../store/index.js';
import { dates } from '../../store/helpers.js';
import { collect, directClient, usePg } from '../../store/pg/helpers.js';
import { seedUnitRun } from '../../support/seed.js';

const ctx = usePg({ fsync: false, own: true });
const PARTITIONS = dates(3);

const seed = (store: EventStore) => seedUnitRun(store, 'pipe', PARTITIONS);

const start = (partition: string): RunEvent => ({
  type: 'UNIT_STARTED',
  step: 'a',
  partition,
  attempt: 1,
  reason: 'first',
});

const direct = (schema: string) => directClient(ctx.pg.url, schema);

async function setUp() {
  const schema = ctx.pg.schema();
  const store = await ctx.open({ schema });
  const runId = await seed(store);
  return { schema, store, runId, log: await RunLog.open(store, runId) };
}

const succeed = (partition: string): RunEvent => ({
  type: 'UNIT_SUCCEEDED',
  step: 'a',
  partition,
  attempt: 1,
  rows: 1,
  ms: 0,
});

/** Another writer (a second store on the schema) appends PAUSE_REQUESTED after the log's head: its head goes stale. */
async function pauseFromElsewhere(schema: string, runId: string, log: RunLog): Promise<void> {
  const other = await ctx.open({ schema });
  await other.append(runId, log.seq, [
    {
      event: { type: 'PAUSE_REQUESTED', by: 'someone' },
      at: new Date().toISOString(),
      state: log.snapshot.value,
      status: 'running',
    },
  ]);
}

const partitionsOf = (events: StoredEvent[]) =>
  events.filter((e) => e.type === 'UNIT_STARTED').map((e) => JSON.parse(e.data).partition as string);

describe('the run log on a pipelining store', () => {
  it('decides a pipelined commit on the state the one in flight leaves, before that one is durable', async () => {
    const { schema, store, runId, log } = await setUp();
    const head = log.seq;
    const blocker = await direct(schema);
    try {
      // Hold the run's head so the first append waits at the server.
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM run_heads WHERE run_id = $1 FOR UPDATE', [runId]);
      let firstDurable = false;
      const first = log
        .commit([start(PARTITIONS[0]), succeed(PARTITIONS[0])], { pipeline: true })
        .then((s) => {
          firstDurable = true;
          return s;
        });
      const seen = await new Promise<{ durable: boolean; done: number }>((resolve) => {
        void log.commitWith(
          (snap) => {
            resolve({ durable: firstDurable, done: snap.context.steps.a.done });
            return [start(PARTITIONS[1])];
          },
          { pipeline: true },
        );
      });
      expect(seen).toEqual({ durable: false, done: 1 });
      // A commit that is not pipelined waits: its decision is taken once both are durable.
      let thirdSaw = -1;
      const third = log.commitWith(() => {
        thirdSaw = log.seq;
        return [start(PARTITIONS[2])];
      });
      await blocker.query('COMMIT');
      expect((await first).map((e) => e.seq)).toEqual([head + 1, head + 2]);
      expect((await third).map((e) => e.seq)).toEqual([head + 4]);
      expect(thirdSaw).toBe(head + 3);
      const events = await collect(store.events(runId));
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(partitionsOf(events)).toEqual(PARTITIONS);
      expect(await store.verifyChain(runId)).toMatchObject({ ok: true });
    } finally {
      await blocker.end();
    }
  });

  it('after another writer appends, both pipelined commits are decided again in order after its event', async () => {
    const { schema, store, runId, log } = await setUp();
    const head = log.seq;
    await pauseFromElsewhere(schema, runId, log);
    const conflicts: string[] = [];
    const onConflict = (e: PhasedError) => conflicts.push(e.code);
    const decidedOn: boolean[] = [];
    const decide = (p: string) => (snap: typeof log.snapshot) => {
      decidedOn.push(snap.context.pauseRequested);
      return [start(p)];
    };
    const [a, b] = await Promise.all([
      log.commitWith(decide(PARTITIONS[0]), { pipeline: true, onConflict }),
      log.commitWith(decide(PARTITIONS[1]), { pipeline: true, onConflict }),
    ]);
    expect(conflicts).toEqual(['CONFLICT']);
    // First round on the stale state, then again on the state that holds the pause, in the order called.
    expect(decidedOn).toEqual([false, false, true, true]);
    expect(a.map((e) => e.seq)).toEqual([head + 2]);
    expect(b.map((e) => e.seq)).toEqual([head + 3]);
    const events = await collect(store.events(runId));
    expect(events.map((e) => e.type).slice(head)).toEqual([
      'PAUSE_REQUESTED',
      'UNIT_STARTED',
      'UNIT_STARTED',
    ]);
    expect(partitionsOf(events)).toEqual(PARTITIONS.slice(0, 2));
    expect(log.seq).toBe(head + 3);
    expect(await store.verifyChain(runId)).toMatchObject({ ok: true });
  });

  it('when the lease is lost, every commit in flight fails with LEASE_LOST and nothing is appended', async () => {
    const { schema, store, runId, log } = await setUp();
    const head = log.seq;
    const mine = await store.acquireLease(runId, 'me', 60_000);
    if (!mine.ok) throw new Error('no lease');
    const other = await ctx.open({ schema });
    expect((await other.acquireLease(runId, 'them', 60_000, { canSteal: () => true })).ok).toBe(true);
    const codes = await Promise.all(
      PARTITIONS.map((p) =>
        log.commit([start(p), succeed(p)], { pipeline: true, lease: mine.token }).then(
          () => 'landed',
          (e: unknown) => (e instanceof PhasedError ? e.code : String(e)),
        ),
      ),
    );
    expect(codes).toEqual(['LEASE_LOST', 'LEASE_LOST', 'LEASE_LOST']);
    expect((await store.head(runId)).seq).toBe(head);
    expect(log.seq).toBe(head);
    expect(log.snapshot.context.steps.a.done).toBe(0);
  });

  it('a decision whose events fail to apply is refused alone; the next is decided without them', async () => {
    const { schema, runId, log } = await setUp();
    const head = log.seq;
    const blocker = await direct(schema);
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM run_heads WHERE run_id = $1 FOR UPDATE', [runId]);
      const boom = new Error('follow-up failed');
      log.followUps = (event) => {
        if (event.type === 'UNIT_SUCCEEDED' && event.partition === PARTITIONS[1]) throw boom;
        return [];
      };
      const first = log.commit([start(PARTITIONS[0]), succeed(PARTITIONS[0])], { pipeline: true });
      // Its start applies, its success does not: the commit is refused while the first is still in flight.
      const second = log.commit([start(PARTITIONS[1]), succeed(PARTITIONS[1])], { pipeline: true });
      await expect(second).rejects.toBe(boom);
      log.followUps = undefined;
      let doneSeen = -1;
      const third = log.commitWith(
        (snap) => {
          doneSeen = snap.context.steps.a.done;
          return [start(PARTITIONS[2]), succeed(PARTITIONS[2])];
        },
        { pipeline: true },
      );
      await blocker.query('COMMIT');
      expect((await first).map((e) => e.seq)).toEqual([head + 1, head + 2]);
      expect((await third).map((e) => e.seq)).toEqual([head + 3, head + 4]);
      // The third was decided on the first's events only, none of the refused second's.
      expect(doneSeen).toBe(1);
      expect(log.snapshot.context.steps.a.done).toBe(2);
    } finally {
      await blocker.end();
    }
  });

  it('a caller whose onConflict throws: the commits it held up fail with that, none hangs', async () => {
    const { schema, store, runId, log } = await setUp();
    const head = log.seq;
    await pauseFromElsewhere(schema, runId, log);
    const refusal = new Error('no second round');
    const onConflict = () => {
      throw refusal;
    };
    const results = await Promise.allSettled([
      log.commit([start(PARTITIONS[0])], { pipeline: true, onConflict }),
      log.commit([start(PARTITIONS[1])], { pipeline: true }),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? r.reason : r.status))).toEqual([refusal, refusal]);
    expect((await store.head(runId)).seq).toBe(head + 1);
    // The log goes on from the folded head.
    expect((await log.commit([start(PARTITIONS[2])])).map((e) => e.seq)).toEqual([head + 2]);
  });
});
