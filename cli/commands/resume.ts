// `phased resume RUN`: continue a run exactly where its log stands (the same driver as a fresh run).
import type { Command } from 'commander';
import { blockedGate, isOver, PhasedError } from '../../machines/index.js';
import {
  failedUnitsToReopen,
  openRunWarehouseEarly,
  ownerId,
  RunLog,
  settlePlanChange,
} from '../../src/engine/index.js';
import type { EventStore } from '../../store/index.js';
import { action, globals, logDir, openEvents } from '../context.js';
import { driveRun, httpAddressOf, maxBytesBilledOf } from '../drive.js';

export function registerResume(program: Command): void {
  program
    .command('resume')
    .description('continue an interrupted, paused, failed or blocked run from its log')
    .argument('<run>', 'run id')
    .option('--accept-plan-change', 'continue with the plan file as it is now (the change is logged)')
    .option(
      '--http [host:port]',
      'serve the web console for this run while it is driven (default 127.0.0.1:7420)',
    )
    .option(
      '--http-public',
      'allow --http on a non-loopback address (requests from other hosts need the token)',
    )
    .option(
      '--max-bytes-billed <size>',
      "the run's budget of BigQuery bytes billed (10TiB, 500GiB, bytes); the run pauses before passing it (logged as BUDGET_CHANGED)",
    )
    .option(
      '--inspect [port]',
      'stream the run into the Stately inspector bridge on localhost (default port 8080)',
    )
    .action(
      action(
        async (
          runId: string,
          o: {
            acceptPlanChange?: boolean;
            inspect?: string | boolean;
            http?: string | boolean;
            httpPublic?: boolean;
            maxBytesBilled?: string;
          },
          cmd: Command,
        ) => {
          const g = globals(cmd);
          httpAddressOf(o);
          const maxBytesBilled = maxBytesBilledOf(o.maxBytesBilled);
          // The store stays open for the drive: a resume opens the database once.
          const store = await openEvents(g);
          let driving = false;
          try {
            const run = await store.requireRun(runId);
            if (isOver(run.status)) {
              throw new PhasedError(
                'INVALID_COMMAND',
                `run ${runId} is ${run.status}; there is nothing to resume. Start a new run with \`phased run PLAN\`.`,
              );
            }
            const settled = await settlePlanChange(store, runId, o.acceptPlanChange === true, ownerId());
            const lease = settled.lease;
            const changes = settled.changes;
            if (changes.length)
              process.stderr.write(`plan change accepted and logged:\n  ${changes.join('\n  ')}\n`);
            if (settled.sourceGone) {
              process.stderr.write(
                `phased: note: the plan file ${settled.sourceGone} is no longer there; run ${runId} goes on with its plan as frozen when it was created (hash ${run.planHash.slice(0, 12)}…)${o.acceptPlanChange ? ', so there is no change to accept' : ''}\n`,
              );
            }
            const stuck =
              run.status === 'blocked' ? await blockedWithNothingToRetry(store, runId) : undefined;
            if (stuck) {
              if (lease) await store.releaseLease(runId, lease.token);
              process.stderr.write(`${stuck}\n`);
              return 1;
            }
            // The frozen plan was checked against the log above: its warehouse starts opening now (the SQLite
            // worker boots while the driver takes the lease and rebuilds the run).
            const opening = await openRunWarehouseEarly(await store.requireRun(runId), { logDir: logDir(g) });
            driving = true;
            return await driveRun(g, runId, {
              inspect: o.inspect,
              http: o.http,
              httpPublic: o.httpPublic,
              attachReason: 'resume',
              lease,
              maxBytesBilled,
              store,
              opening,
            });
          } finally {
            if (!driving) await store.close();
          }
        },
      ),
    );
}

/**
 * A blocked run with no failed unit to re-open would only attach and detach again: say what moves it on
 * instead (nothing is appended).
 */
async function blockedWithNothingToRetry(store: EventStore, runId: string): Promise<string | undefined> {
  const log = await RunLog.open(store, runId, { verify: true });
  const gate = blockedGate(log.snapshot);
  if (gate === undefined || (await failedUnitsToReopen(log, 'resume'))) return undefined;
  return (
    `run ${runId} is blocked at gate ${gate} and has no failed unit to retry; resuming changes nothing.\n` +
    `  re-check the gate once the data is fixed: \`phased retry ${runId} --gate ${gate} --reason TEXT\`\n` +
    `  or pass it on record: \`phased approve ${runId} --gate ${gate} --reason TEXT\`\n` +
    `  (\`phased status ${runId}\` shows the gate's report)`
  );
}
