// Public surface of the pure core: plan model, event vocabulary, reports, errors and the run statechart.
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
export type { CheckResult, GateReport, NotNullResult, StepBaseline, TableCoverage } from './report.js';
export type { ActorInfo, EventOf, RunEvent, RunEventType, UnitErrorInfo, UnitStartReason } from './events.js';
export { EVENT_TYPES, eventData, eventFromRow } from './events.js';
export type { ErrorCode } from './errors.js';
export { PhasedError, PlanError, UnitError, errorInfo, exitCodeFor } from './errors.js';
