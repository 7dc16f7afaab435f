// Public surface of the error module: the one place error classes and codes are defined.
export type { ErrorCode } from './errors.js';
export { errorInfo, PhasedError, PlanError, UnitError } from './errors.js';
