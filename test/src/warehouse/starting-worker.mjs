// A stand-in worker script for the pool tests: the first worker a pool starts runs the real SQLite worker; every
// later one stays "starting" for good (never reports ready), as a worker slow to boot would for a while.
import { workerData } from 'node:worker_threads';

const order = Atomics.add(new Int32Array(workerData.started), 0, 1);
if (order === 0) await import(workerData.script);
else setInterval(() => undefined, 1 << 30);
