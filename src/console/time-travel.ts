// Time travel: the run as of a seq, rebuilt exactly as `phased replay --at SEQ` rebuilds it (latest snapshot at or
// before the seq, then the tail), plus the coverage matrix folded from the log. The only rebuild the console does;
// results are kept in a small LRU, since the log below a seq never changes.

import { PhasedError, type ResolvedPlan } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { eventAt, runView, seqRange } from '../observe/index.js';
import type { AtSeqView, RunStatus } from './api-types.js';
import { coverageAtSeq } from './coverage.js';
import { activeStateIds } from './machine-graph.js';

const KEEP = 32;

export class TimeTravel {
  private readonly cache = new Map<string, AtSeqView>();

  constructor(private readonly store: EventStore) {}

  async at(runId: string, seq: number, plan: ResolvedPlan, head: number): Promise<AtSeqView> {
    if (!Number.isInteger(seq) || seq < 1 || seq > head) {
      throw new PhasedError('BAD_ARGUMENT', `seq ${seq}: ${seqRange(runId, head)}`);
    }
    const key = `${runId}\u0000${seq}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    // The rebuild as of seq (the same as `phased replay --at`).
    const v = await runView(this.store, runId, seq);
    const e = await eventAt(this.store, runId, seq);
    if (!e) throw new PhasedError('BAD_ARGUMENT', `seq ${seq}: run ${runId} has no event there`);
    const view: AtSeqView = {
      seq,
      at: e.at,
      type: e.type,
      status: v.status as RunStatus,
      state: v.state,
      activeStates: activeStateIds(v.state),
      phase: v.phase,
      group: (v as { group?: number | null }).group ?? null,
      failure: v.failure,
      steps: v.steps,
      gates: plan.phases.map((p) => {
        const g = v.gates[p.gate.id] ?? { status: 'pending' };
        return {
          id: p.gate.id,
          phase: p.id,
          status: g.status as AtSeqView['gates'][number]['status'],
          ...(g.report ? { report: g.report as never } : {}),
          ...(g.reason ? { reason: g.reason } : {}),
        };
      }),
      coverage: await coverageAtSeq(this.store, runId, plan, seq, v.gates),
    };
    this.cache.set(key, view);
    if (this.cache.size > KEEP) this.cache.delete(this.cache.keys().next().value as string);
    return view;
  }
}
