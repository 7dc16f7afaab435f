// `phased db copy`: moves runs from an SQLite file into a PostgreSQL store. Each run's chain is verified in the
// source first, written in one transaction with its original hashes, and verified again in the target. A run
// already in the target is skipped when it is the same log (same head seq and hash), refused otherwise.

import { PhasedError } from '../../machines/index.js';
import { SqliteSource } from './sqlite-source.js';
import type { PgEventStore } from './store.js';

export interface CopiedRun {
  runId: string;
  events: number;
  outcome: 'copied' | 'already-there';
}

/** Copies `runIds` (default: every run in the file), oldest first; stops at the first run it must refuse. */
export async function copySqliteToPg(
  file: string,
  target: PgEventStore,
  runIds?: string[],
): Promise<CopiedRun[]> {
  const src = new SqliteSource(file);
  try {
    const all = src.listRuns().reverse();
    const known = new Set(all.map((r) => r.runId));
    const missing = (runIds ?? []).filter((id) => !known.has(id));
    if (missing.length > 0) {
      throw new PhasedError(
        'RUN_NOT_FOUND',
        `run ${missing.join(', ')} not found in ${file}; runs there: ${
          all
            .map((r) => r.runId)
            .slice(0, 5)
            .join(', ') || 'none'
        }`,
      );
    }
    const chosen = runIds ? all.filter((r) => runIds.includes(r.runId)) : all;
    const out: CopiedRun[] = [];
    for (const run of chosen) {
      const report = src.verify(run.runId);
      if (!report.ok) {
        throw new PhasedError(
          'LOG_TAMPERED',
          `run ${run.runId} in ${file} fails its chain check at seq ${report.firstBadSeq} (${report.reason}); it was not copied. Run \`phased replay ${run.runId} --verify --db ${file}\` for details.`,
          { details: { runId: run.runId, seq: report.firstBadSeq } },
        );
      }
      const head = src.head(run.runId);
      const there = await target.views.runSummary(run.runId);
      if (there) {
        if (there.headSeq === head.seq && there.headHash === head.hash && there.planHash === run.planHash) {
          out.push({ runId: run.runId, events: head.seq, outcome: 'already-there' });
          continue;
        }
        throw new PhasedError(
          'BAD_ARGUMENT',
          `run ${run.runId} already exists in ${target.location} with another log (head seq ${there.headSeq} there, ${head.seq} in ${file}); nothing of it was copied. Copy it under another database or schema.`,
          { details: { runId: run.runId } },
        );
      }
      const n = await target.importRun(run, src.events(run.runId), src.snapshots(run.runId));
      const check = await target.verifyChain(run.runId);
      if (!check.ok || check.count !== head.seq) {
        throw new PhasedError(
          'INTERNAL',
          `run ${run.runId} was copied to ${target.location} but its chain does not verify there (${check.reason ?? `${check.count} of ${head.seq} events`})`,
        );
      }
      out.push({ runId: run.runId, events: n, outcome: 'copied' });
    }
    return out;
  } finally {
    src.close();
  }
}
