// One run's appends from this process, in the order they were called, on one pooled connection that pipelines
// (pg's `pipeline: true`): an append is sent while the one before it is still on the server, and PostgreSQL runs
// them in the order sent. Each append learns how the one before it ended, so one sent behind a failure fails too
// instead of reading the log as tampered. The connection goes back to the pool when the run has nothing in flight.
// Owns ordering and the connection's lifetime; what an append sends and what its errors mean are append.ts's.

import type pg from 'pg';
import { isConnectionLost } from './errors.js';

/** One append's place in its run's lane. */
export interface Turn {
  /**
   * Runs `prepare` once every earlier turn has sent its statement (or given up before sending), then sends the
   * statement it returns on the lane's connection. Resolves with the statement's rows; rejects with its error.
   */
  send<T>(prepare: () => Promise<pg.QueryConfig>): Promise<T[]>;
  /** Whether the turn before this one landed (true when there was none in flight). */
  readonly predecessor: Promise<boolean>;
  /** Tells the next turn how this one ended. Call exactly once, after the append is resolved either way. */
  settle(landed: boolean): void;
}

interface Lane {
  client: Promise<pg.PoolClient>;
  /** Resolves once the newest turn has sent (or given up sending). */
  sent: Promise<void>;
  /** Resolves with whether the newest turn landed. */
  outcome: Promise<boolean>;
  open: number;
  broken: boolean;
}

export class Lanes {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly pool: pg.Pool) {}

  /** A turn on `runId`'s lane, taken synchronously: the order of calls is the order on the wire. */
  enter(runId: string): Turn {
    let lane = this.lanes.get(runId);
    if (!lane) {
      const client = this.pool.connect().then((c) => {
        // A checked-out client whose server goes away emits 'error': its queries fail, and that is handled there.
        c.on('error', ignore);
        return c;
      });
      // A failed connect is each turn's error (a lost connection, retried by append.ts).
      client.catch(() => undefined);
      lane = { client, sent: Promise.resolve(), outcome: Promise.resolve(true), open: 0, broken: false };
      this.lanes.set(runId, lane);
    }
    const own = lane;
    own.open++;
    const before = own.sent;
    const predecessor = own.outcome;
    let markSent!: () => void;
    own.sent = new Promise((r) => {
      markSent = r;
    });
    let tell!: (landed: boolean) => void;
    own.outcome = new Promise((r) => {
      tell = r;
    });
    let settled = false;
    return {
      predecessor,
      send: async <T>(prepare: () => Promise<pg.QueryConfig>): Promise<T[]> => {
        let query: Promise<pg.QueryResult> | undefined;
        try {
          await before;
          const q = await prepare();
          const client = await own.client;
          query = client.query(q);
        } finally {
          markSent();
        }
        try {
          return (await query).rows as T[];
        } catch (err) {
          if (isConnectionLost(err)) own.broken = true;
          throw err;
        }
      },
      settle: (landed: boolean) => {
        if (settled) return;
        settled = true;
        markSent();
        tell(landed);
        if (--own.open === 0) this.close(runId, own);
      },
    };
  }

  private close(runId: string, lane: Lane): void {
    if (this.lanes.get(runId) === lane) this.lanes.delete(runId);
    lane.client.then(
      (c) => {
        c.off('error', ignore);
        c.release(lane.broken || undefined);
      },
      () => undefined,
    );
  }
}

function ignore(): void {}
