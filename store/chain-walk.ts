// The hash chain's rules, one event at a time: seqs without gaps from where the walk starts, each prev_hash the
// previous event's hash, each hash recomputed from its row, and the end matching the run's recorded head.
// Pure; reading the rows (SQLite's statement, PostgreSQL's pages) is each verifier's business.

import type { VisitStoredEvent } from './api.js';
import { eventHash } from './hash.js';
import type { ChainReport } from './types.js';

export function chainProblem(count: number, firstBadSeq: number, reason: string): ChainReport {
  return { ok: false, count, firstBadSeq, reason };
}

export class ChainWalk {
  private prev: string;
  private expected: number;
  private count = 0;

  /** `prev`: the hash of the event before `fromSeq` ('' from the first event). */
  constructor(
    private readonly runId: string,
    private readonly fromSeq: number,
    prev: string,
    private readonly visit?: VisitStoredEvent,
  ) {
    this.prev = prev;
    this.expected = fromSeq;
  }

  /** The next seq the walk expects (where a paged reader reads from next). */
  get next(): number {
    return this.expected;
  }

  /** Check one row; a report when the chain breaks there, undefined when it holds. */
  row(
    seq: number,
    type: string,
    data: string,
    prevHash: string,
    hash: string,
    state = '',
  ): ChainReport | undefined {
    const { count, expected } = this;
    if (seq !== expected) {
      return chainProblem(
        count,
        expected,
        `seq ${expected}: missing (the log jumps from seq ${expected - 1} to seq ${seq})`,
      );
    }
    if (prevHash !== this.prev) {
      return chainProblem(
        count,
        seq,
        `seq ${seq}: prev_hash does not match the hash of seq ${seq - 1} (the chain was re-linked)`,
      );
    }
    if (eventHash(prevHash, this.runId, seq, type, data) !== hash) {
      return chainProblem(count, seq, `seq ${seq}: hash mismatch (data or type changed)`);
    }
    const problem = this.visit?.(seq, type, data, state);
    if (problem !== undefined) return chainProblem(count, seq, problem);
    this.prev = hash;
    this.count++;
    this.expected++;
    return undefined;
  }

  /** After the last row: the walk must end exactly at the run's recorded head. */
  end(head: { seq: number; hash: string }): ChainReport {
    const { count } = this;
    const last = this.expected - 1;
    if (head.seq > last) {
      return chainProblem(
        count,
        last + 1,
        `seq ${last + 1}: missing (the log ends at seq ${last} but the run's head is seq ${head.seq}: truncated)`,
      );
    }
    if (head.seq < last) {
      return chainProblem(
        count,
        head.seq + 1,
        `seq ${head.seq + 1}: beyond the run's head (seq ${head.seq}): written outside the store`,
      );
    }
    if (last >= this.fromSeq && head.hash !== this.prev) {
      return chainProblem(count, last, `seq ${last}: hash differs from the run's recorded head hash`);
    }
    return { ok: true, count };
  }
}
