// Helpers the benchmark scenarios share: measurement, no-op warehouse, plans, long logs, children, output.
export { CLI_MAIN, lastJson, runNode, SUPPORT_DIR } from './child.js';
export { type DriveOptions, type DriveTiming, driveNoop } from './drive.js';
export { unitEvent } from './events.js';
export { type LongRun, writeLongRun } from './long-run.js';
export {
  type BenchContext,
  type Result,
  repeat,
  result,
  type Scenario,
  type Stats,
  skipped,
  stats,
  tempDir,
} from './measure.js';
export { type NoopOptions, NoopWarehouse } from './noop-warehouse.js';
export { benchPlan, calendar } from './plan.js';
export { rawInsertRate } from './raw-floor.js';
export { type SqlTime, sqlTimeOf } from './sql-time.js';
export { storeAppendRate } from './store-rate.js';
export { markdownTable, writeIntoReadme } from './table.js';
