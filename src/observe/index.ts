// Public surface of observation: run logs and progress output.
export { createRunLogger, logEvents, runLogPath } from './logger.js';
export { type ProgressSink, progressLine, reportProgress } from './progress.js';
export {
  formatRunList,
  formatRunView,
  listRuns,
  type RunListItem,
  type RunView,
  runView,
  type StepView,
} from './status.js';
export { baselineOf, formatRunSummary } from './summary.js';
