// Public surface of operations: the daemon that drives runs, its HTTP server and metrics. Control commands
// (pause, cancel, retry, approve) are the engine's (src/engine/control.ts).
export { Daemon, type DaemonOptions } from './daemon.js';
export { type ServeOptions, serveHttp, tokenFile } from './http.js';
export { DEFAULT_HTTP, type HttpAddress, parseHttpAddress } from './http-address.js';
export { Metrics } from './metrics.js';
