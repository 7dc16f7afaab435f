// A spare SQLite warehouse worker, started before the warehouse is known. `phased resume` starts one as it
// begins (its launcher does, before it even reads the CLI bundle), so the thread boots while the CLI loads and the
// run is checked and rebuilt; the warehouse's pool then adopts it (posting its settings) instead of starting its
// first worker at that point. Owns nothing else.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The compiled worker module: the bundled one beside the CLI bundle (dist/bin/sqlite-worker.cjs), the compiled one
 * beside this file when running from dist/src, else the project's dist/ copy.
 */
export function workerScriptCandidates(): URL[] {
  return [
    new URL('./sqlite-worker.cjs', import.meta.url),
    new URL('./sqlite-worker.js', import.meta.url),
    new URL('../../dist/src/warehouse/sqlite-worker.js', import.meta.url),
  ];
}

/** The first candidate that exists, if any. */
export function findWorkerScript(): URL | undefined {
  return workerScriptCandidates().find((u) => existsSync(fileURLToPath(u)));
}

/** Workers inherit the parent's flags; --input-type (node -e scripts) would stop them from loading. */
function workerExecArgv(): string[] {
  return process.execArgv.filter((a) => !a.startsWith('--input-type'));
}

/**
 * A SQLite worker thread running `script` with the parent's flags (workerExecArgv). Node refuses a worker some
 * flags outright (V8's, such as `node --max-old-space-size=8192 phased …`, which already apply to the whole
 * process); such a worker starts with none of the parent's flags instead of failing the command.
 */
export function startWorker(script: URL, options: Omit<WorkerOptions, 'execArgv'> = {}): Worker {
  try {
    return new Worker(script, { ...options, execArgv: workerExecArgv() });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
    return new Worker(script, { ...options, execArgv: [] });
  }
}

interface Spare {
  worker: Worker;
  script: string;
}

/**
 * The one spare of the process, kept on the global object rather than in this module: the launcher
 * (dist/bin/phased.js) and the CLI bundle it runs each carry their own copy of this module, and the bundle's pool
 * must find the spare the launcher started.
 */
const SLOT = Symbol.for('phased.sqlite-spare-worker');
const holder = globalThis as { [SLOT]?: Spare };
const current = (): Spare | undefined => holder[SLOT];
const set = (s: Spare | undefined): void => {
  holder[SLOT] = s;
};

/** Start the spare worker (once; returns it). It waits for its settings and never keeps the process alive. */
export function startSpareWorker(): Worker | undefined {
  const started = current();
  if (started) return started.worker;
  const script = findWorkerScript();
  if (!script) return undefined;
  const worker = startWorker(script);
  worker.unref();
  const gone = () => {
    if (current()?.worker === worker) set(undefined);
  };
  // A spare that fails is simply not there: a pool starts its own worker and reports that one's failure.
  worker.on('error', gone);
  worker.on('exit', gone);
  set({ worker, script: script.href });
  return worker;
}

/** The spare worker, for a pool running `script` (once): the caller posts its WorkerInit as the first message. */
export function takeSpareWorker(script: URL): Worker | undefined {
  const spare = current();
  if (!spare || spare.script !== script.href) return undefined;
  set(undefined);
  return spare.worker;
}

/** Stop a spare no pool took (the plan's warehouse is not SQLite). */
export function discardSpareWorker(): void {
  const w = current()?.worker;
  set(undefined);
  void w?.terminate();
}
