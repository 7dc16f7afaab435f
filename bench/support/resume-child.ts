// Child process for resume_to_first_unit_ms: the engine's part of `phased resume RUN` (open the store, take the
// lease, rebuild with verification, drive; not the CLI's option parsing, plan-change check or run logger) with a
// no-op warehouse; prints the wall-clock time of the first unit dispatch as JSON and exits. The scenario runs it
// bundled as the CLI is (bundleLaunched: one CommonJS file from its code cache), so the figure is the engine as
// shipped. Usage: node resume-child.js DB RUN

import { PhasedError } from '../../machines/index.js';
import { Driver } from '../../src/engine/index.js';
import { routeWarehouse } from '../../src/warehouse/route.js';
import { openEventStore } from '../../store/index.js';
import { NoopWarehouse } from './noop-warehouse.js';

async function main(): Promise<void> {
  const [file, runId] = process.argv.slice(2);
  if (!file || !runId) throw new PhasedError('BAD_ARGUMENT', 'usage: resume-child DB RUN');
  const store = await openEventStore(file);
  const run = await store.requireRun(runId);
  if (run.status === 'succeeded' || run.status === 'cancelled') {
    throw new PhasedError('INVALID_COMMAND', `run ${runId} is ${run.status}; nothing to resume`);
  }
  let dispatched = false;
  const wh = new NoopWarehouse({
    partitions: [],
    onFirstUnit: () => {
      dispatched = true;
      const at = performance.timeOrigin + performance.now();
      process.stdout.write(`${JSON.stringify({ firstUnitAt: at })}\n`, () => process.exit(0));
    },
  });
  await new Driver({ store, runId, warehouse: routeWarehouse(wh) }).run();
  // The run can finish before the first unit's line is flushed; the write callback then exits the process.
  if (!dispatched) throw new PhasedError('INTERNAL', `run ${runId} finished without dispatching a unit`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
