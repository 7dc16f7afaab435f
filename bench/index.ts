// Public surface of the benchmarks (the runner is run.ts): the scenario list and the shared helpers.
export { SCENARIOS } from './scenarios/index.js';
export type { BenchContext, Result, Scenario } from './support/index.js';
