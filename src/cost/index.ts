// Cost and budget: estimates before a run (estimate.ts), byte and money formatting (format.ts).
export {
  BQ_SAMPLE,
  type Estimate,
  estimateRun,
  SQLITE_SAMPLE,
  type StepEstimate,
  samplePartitions,
} from './estimate.js';
