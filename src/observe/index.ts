// Public surface of observation: run logs and progress output.

export { type CommandContext, commandHint, phasedCommand } from './command-hint.js';
export { ETA_WINDOW, EtaTracker, type EtaView, type LoggedEvent, liveEta } from './eta.js';
export { FAILURES_SHOWN, failuresOf, formatFailures } from './failures.js';
export { JsonTextCache, sameJson } from './json-text.js';
export { LINGER_TEXT, sayWhileWaiting } from './linger.js';
export { createRunLogger, logEvents, logSnapshotError, runLogPath } from './logger.js';
export { ownerOf } from './owner.js';
export { eventAt, eventPages, READ_PAGE } from './pages.js';
export { type ProgressSink, progressLine, reportProgress } from './progress.js';
export {
  type Counts,
  formatDuration,
  formatEta,
  formatRate,
  overallCounts,
  overallText,
  UNKNOWN,
} from './progress-text.js';
export {
  eventDetail,
  formatTimelineLine,
  noEventsYet,
  resolveAt,
  seqRange,
  stateLabel,
  Timeline,
  type TimelineEntry,
  timelineEntry,
  type VerifyReport,
  verifyRun,
} from './replay.js';
export {
  formatChange,
  joinPaths,
  leafPaths,
  type StateChange,
  shortPath,
  stateChange,
} from './state-change.js';
export {
  formatRunList,
  formatRunView,
  listRuns,
  type RebuiltRun,
  type RunListItem,
  type RunView,
  rebuildAt,
  runView,
  type StepView,
} from './status.js';
export { baselineOf, formatRunSummary, type SummaryLog } from './summary.js';
/** The inspector bridge, loaded on demand (it pulls in @statelyai/inspect and ws). */
export const loadInspector = () => import('./inspector.js');
/** The terminal's progress bars (cli-progress), loaded only when output is a terminal. */
export const loadProgressBars = () => import('./bars.js');
export type { InspectorBridge } from './inspector.js';
