// Public surface of the engine: create, drive and control runs over the event store.
export {
  type BackoffPolicies,
  type BackoffPolicy,
  type FailureHint,
  RETRY_POLICIES,
  type RetryClass,
  type RetryScope,
  retryableSteps,
  retryClass,
} from '../../machines/index.js';
export { backoffMs, PROCESS_RETRY_POLICIES, policiesFromEnv, sleep } from './backoff.js';
export { claimUnit } from './claim.js';
export { CommitQueue, wakesLoop } from './commit-queue.js';
export {
  approveGate,
  type ControlResult,
  formatControl,
  type RetryRequest,
  requestResume,
  requestRetry,
  requestStop,
} from './control.js';
export { createRun, newRunId, type OverlappingRun, overlappingRuns } from './create.js';
export { type DriveResult, Driver, type DriverOptions, type LoggedEvent } from './driver.js';
export { type DryRunReport, type DryRunStep, formatBytes, formatDryRun, planDryRun } from './dry-run.js';
export { baselineEvent, gateEvent } from './effects.js';
export { CRASH_POINTS, type CrashPoint, failpoint } from './failpoints.js';
export {
  assertFrozenPlan,
  type FrozenPlanProblem,
  frozenPlanProblem,
  frozenPlanTampered,
} from './frozen-plan.js';
export {
  type HeldLease,
  LEASE_MS,
  liveLeaseOwner,
  liveOwner,
  ownerId,
  ownerIsDead,
  takeLease,
} from './lease.js';
export {
  detectPlanChange,
  type FrozenPlan,
  freezePlan,
  type PlanChange,
  type SettledPlanChange,
  settlePlanChange,
} from './plan-change.js';
export {
  machineForRun,
  type RebuildOptions,
  type RebuildProblem,
  type RebuildRefused,
  type RebuildVisitor,
  type RebuiltRun,
  rebuildRun,
} from './rebuild.js';
export { failedUnitsToReopen } from './reopen.js';
export { type CommitOptions, type Decide, type OpenOptions, RunLog } from './run-log.js';
export { failedPartitions, runState } from './run-state.js';
export { Semaphore } from './semaphore.js';
export { lastAttempt, runUnit, type UnitHost, type UnitOutcome } from './unit-runner.js';
export {
  closeOpening,
  type OpeningWarehouse,
  openPlanWarehouse,
  openRunWarehouseEarly,
} from './warehouse.js';
