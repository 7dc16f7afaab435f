// Public surface of operations: control commands from other processes, and the daemon that drives runs.
export {
  approveGate,
  type ControlResult,
  formatControl,
  type RetryRequest,
  requestRetry,
  requestStop,
} from './control.js';
export { Daemon, type DaemonOptions } from './daemon.js';
export {
  DEFAULT_HTTP,
  type HttpAddress,
  parseHttpAddress,
  type ServeOptions,
  serveHttp,
  tokenFile,
} from './http.js';
export { Metrics } from './metrics.js';
