// Cost and budget: estimates before a run (estimate.ts), byte and money formatting (format.ts).

export { BudgetGuard } from './budget-guard.js';
export {
  BQ_SAMPLE,
  type Estimate,
  estimateRun,
  SQLITE_SAMPLE,
  type StepEstimate,
  samplePartitions,
} from './estimate.js';
export { budgetPauseMessage } from './format.js';
export { RunOps } from './run-ops.js';
export { StepLimiter } from './step-limiter.js';
