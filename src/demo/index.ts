// Public surface of the NBA demo data: the deterministic warehouse generator, the baseline fill, the calendar
// facts and the location of the shipped plan. The `phased demo` command wires these together.
export type { BaselineResult } from './baseline.js';
export { BASELINE_PRESENT, fillBaseline, presentDates } from './baseline.js';
export { STAT_KEYS, type StatKey } from './boxscores.js';
export type { GameDay, SeasonType } from './calendar.js';
export { buildCalendar, NBA_CALENDAR } from './calendar.js';
export type { GenerateOptions, GenerateResult, Scenario } from './generate.js';
export { DEFAULT_SEED, generateWarehouse } from './generate.js';
export { packageRoot, planDirectory } from './plan-dir.js';
export type { DemoHooks, DemoLayout, DemoOptions, DemoResult } from './run-demo.js';
export {
  DEFAULT_DEMO_DIR,
  initDemo,
  parseScenario,
  prepareDir,
  runDemo,
  SCENARIOS,
  shown,
} from './run-demo.js';
