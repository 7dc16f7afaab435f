// Public surface of plan loading: load and validate a plan file, hash, diff and describe resolved plans.
// The resolved plan model itself lives in machines/plan.ts.
export { describePlan } from './describe.js';
export { diffPlans } from './diff.js';
export { googleSqlSyntaxError } from './googlesql.js';
export type { PortablePlan } from './hash.js';
export { canonicalJson, planHash, portablePlan } from './hash.js';
export {
  PLAN_JSON_SCHEMA_FILE,
  PLAN_REFERENCE_FILE,
  planJsonSchema,
  type ReferenceKeys,
  referenceKeys,
  renderPlanJsonSchema,
  writePlanJsonSchema,
} from './json-schema.js';
export type { CheckPlanResult } from './load.js';
export { checkPlanFile, loadPlan, loadPlanWithSources } from './load.js';
export { type Overlap, planOverlap } from './overlap.js';
export { assertPlanSql, planSqlError } from './plan-sql.js';
export type { PlanOverrides } from './rules.js';
export { isCalendarDate } from './schema.js';
export { type PlanSource, SourceRecorder, sourcesUnchanged } from './sources.js';
export { isSqlPath } from './sql-ref.js';
export { sqliteSyntaxError } from './sqlite-syntax.js';
