// Public surface of the quality gates: prerequisites, baseline, gate evaluation and its text rendering.
export { type Baseline, type BaselineOptions, measureBaseline } from './baseline.js';
export { MinRowsCache, runCheck, truthy } from './checks.js';
export { formatGateReport } from './format.js';
export { evaluateGate, MISSING_SAMPLE, type TableCoverageResult } from './gate.js';
export { notNullSql } from './not-null.js';
export {
  checkPrerequisites,
  dryRunCheck,
  dryRunSteps,
  prerequisitesPassed,
  type StepDryRun,
} from './prerequisites.js';
