// Child process for rss_mb_1e6: replays a long run in full (replay --verify), then resumes and drives it to
// the end with a no-op warehouse, and prints its peak RSS as JSON. Usage: node rss-child.js DB RUN

import { PhasedError } from '../../machines/index.js';
import { Driver } from '../../src/engine/index.js';
import { verifyRun } from '../../src/observe/index.js';
import { routeWarehouse } from '../../src/warehouse/route.js';
import { openStore, SqliteEventStore } from '../../store/index.js';
import { NoopWarehouse } from './noop-warehouse.js';
import { calendar } from './plan.js';

const [file, runId, partitionsArg] = process.argv.slice(2);
if (!file || !runId || !partitionsArg)
  throw new PhasedError('BAD_ARGUMENT', 'usage: rss-child DB RUN PARTITIONS');
const store = openStore(file);
const report = await verifyRun(new SqliteEventStore(store), runId);
if (!report.ok) throw new PhasedError('LOG_TAMPERED', `replay --verify failed: ${report.reason}`);
// The gate counts every partition: hand the warehouse the calendar the log was written with.
const wh = new NoopWarehouse({ partitions: calendar(Number(partitionsArg)), completeAll: true });
const res = await new Driver({
  store: new SqliteEventStore(store),
  runId,
  warehouse: routeWarehouse(wh),
}).run();
store.close();
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ status: res.status, events: report.events, maxRssMb })}\n`);
