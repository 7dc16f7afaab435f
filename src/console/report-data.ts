// The data a report embeds: one run's console views as the server would answer them, so the offline page
// and the live page render the same way. Pure types; report.ts fills them from the store.

import type { EstimateResponse } from './api-cost-types.js';
import type {
  CoverageMatrix,
  EventEntry,
  MachineDefinition,
  RunDetail,
  RunListItem,
  TimelineResponse,
  UnitView,
  VerifyView,
} from './api-types.js';

export const REPORT_DATA_ID = 'phased-report-data';

export interface ReportData {
  generatedAt: string;
  /** phased version that wrote the report. */
  version: string;
  run: RunDetail;
  list: RunListItem;
  machine: MachineDefinition;
  coverage: CoverageMatrix;
  /** Coverage as of the baseline (before the run wrote anything); null when the run never measured it. */
  coverageBefore: CoverageMatrix | null;
  timeline: TimelineResponse;
  /** Every event of the run, in seq order. */
  events: EventEntry[];
  /** Failed and retrying units with their errors. */
  failedUnits: UnitView[];
  verify: VerifyView;
  /** `phased status RUN --json` at the time of the report, for comparison. */
  status: unknown;
  /** The estimate route's body without the warehouse's part: what the log records as units start. */
  estimate: EstimateResponse;
}
