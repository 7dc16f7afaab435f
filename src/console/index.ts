// Public surface of the console's server side: start it, its token, and the API types it speaks.
export type * from './api-types.js';
export { CELL, STREAM_EVENT, STREAM_HEAD, STREAM_RUNS } from './api-types.js';
export { type ConsoleToken, HostCheck, loadToken } from './auth.js';
export { machineGraph } from './machine-graph.js';
export { layoutMachine, machineDefinition } from './machine-layout.js';
export { RunCache } from './run-cache.js';
export { type ConsoleOptions, type ConsoleServer, startConsole } from './server.js';
