// Public surface of the pure core: plan model, event vocabulary, reports, errors and the run statechart.

// The error classes live in src/errors (the one error module); re-exported here for the decisions' callers.
export type { ErrorCode } from '../src/errors/index.js';
export { errorInfo, PhasedError, PlanError, UnitError } from '../src/errors/index.js';
export { decideConcurrency, RECOVER_AFTER, stepLimit, throttleCause } from './aimd.js';
export type { AttachCommand } from './attach.js';
export { decideAttach } from './attach.js';
export {
  type BudgetDecision,
  billedEstimate,
  budgetNeeded,
  decideBudget,
  decideBudgetPause,
  JOB_CAP_FLOOR,
  JOB_CAP_MARGIN,
  jobCap,
} from './budget.js';
export type { GateState, RunContext, StepCounters } from './context.js';
export { initialContext } from './context.js';
export type { ControlCommand, ControlState } from './control.js';
export { decideControl } from './control.js';
export type { BudgetSpec, CostSpec, NotifySpec, NotifyTrigger } from './cost-plan.js';
export {
  costOf,
  NOTIFY_TRIGGERS,
  ON_DEMAND_PRICE_PER_TIB,
  parseBytes,
  parseDuration,
} from './cost-plan.js';
export { EMPTY_EWMA, ETA_ALPHA, type Ewma, etaSeconds, ewmaAfter, ratePerSecond } from './eta.js';
export type {
  ActorInfo,
  AttachReason,
  CommandRecord,
  EventOf,
  RunEvent,
  RunEventType,
  UnitErrorInfo,
  UnitStartReason,
} from './events.js';
export { EVENT_TYPES, eventData, eventFromRow } from './events.js';
export type { FinishCommand } from './finish.js';
export { decideFinish } from './finish.js';
export {
  DEFAULT_STALLED_AFTER_MS,
  decideNotifications,
  decideStalled,
  type NotifyContext,
  notifyBody,
} from './notify.js';
export {
  budgetOf,
  initialOps,
  type OpsContext,
  opsAfter,
  reservationKey,
  type Usage,
} from './ops.js';
export type { BudgetFigures, OpsEvent } from './ops-events.js';
export { compactPartitions, countPartitions, expandPartitions, isCalendarDate } from './partitions.js';
export type {
  BigQueryWarehouseSpec,
  CheckSpec,
  CommandSpec,
  DateRange,
  Dialect,
  GateSpec,
  GroupSpec,
  NotNullSpec,
  PhaseSpec,
  ResolvedPlan,
  SqliteWarehouseSpec,
  StepSpec,
  WarehouseSpec,
} from './plan.js';
export { allSteps, locateStep } from './plan.js';
export type { RetryScope } from './reopen.js';
export { reopenEvent, retryableSteps, stepsWithFailures } from './reopen.js';
export type {
  CheckResult,
  CoverageError,
  GateReport,
  MeasuredCoverage,
  NotNullResult,
  StepBaseline,
  TableCoverage,
} from './report.js';
export { isMeasured } from './report.js';
export type { BackoffPolicies, BackoffPolicy, FailureHint, RetryClass } from './retry-policy.js';
export { RETRY_POLICIES, retryClass, retryDelayMs, withDefaultWaits } from './retry-policy.js';
export type { Effect, RunMachine } from './run-machine.js';
export {
  createRunMachine,
  groupKey,
  keepsStateValue,
  leavesSnapshot,
  MACHINE_VERSION,
  phaseKey,
  stepKey,
  unitEventContext,
} from './run-machine.js';
export type { RunState } from './run-state.js';
export { createdEvents, evolveRun, logIsEmpty, nextSnapshot } from './run-state.js';
export type { RunSnapshot, RunStatus } from './snapshot.js';
export {
  accepts,
  activeEffects,
  awaitsDriver,
  blockedGate,
  isOver,
  RunCursor,
  runStatus,
} from './snapshot.js';
export type {
  LastAttempt,
  LookUpAnswer,
  UnitCommand,
  UnitDecision,
  UnitNext,
  UnitState,
  UnitStatus,
} from './unit-attempt.js';
export {
  decideUnit,
  evolveUnit,
  initialUnit,
  lastAttempt,
  startReason,
  unitFromRow,
} from './unit-attempt.js';
