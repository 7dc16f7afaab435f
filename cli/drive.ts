// Drive a run in this process: signals, logs, progress and the closing summary; returns the exit code.
import { type BudgetFigures, PhasedError, parseBytes } from '../machines/index.js';
import type { ConsoleServer } from '../src/console/index.js';
import { budgetPauseMessage } from '../src/cost/index.js';
import { parseHttpAddress } from '../src/daemon/http-address.js';
import { closeOpening, Driver, type HeldLease, type OpeningWarehouse } from '../src/engine/index.js';
import {
  commandHint,
  createRunLogger,
  formatRunSummary,
  type InspectorBridge,
  LINGER_TEXT,
  loadInspector,
  loadProgressBars,
  logEvents,
  logSnapshotError,
  reportProgress,
  runLogPath,
  sayWhileWaiting,
} from '../src/observe/index.js';
import type { PlanWarehouse } from '../src/warehouse/index.js';
import type { EventStore } from '../store/index.js';
import { dbArgs, type GlobalOptions, logDir, openEvents, print } from './context.js';

export interface DriveCliOptions {
  quiet?: boolean;
  /** Print the before → after summary at the end (run, resume, demo). */
  summary?: boolean;
  /** `--inspect[=PORT]`: stream the run's actor into the Stately inspector bridge on localhost. */
  inspect?: string | boolean;
  /** A warehouse the caller already opened for the run's plan (closed here when the drive ends). */
  warehouse?: PlanWarehouse;
  /** Backends the caller started opening for the run's frozen plan (closed here when the drive ends). */
  opening?: OpeningWarehouse;
  /** The event store the caller opened already (closed here when the drive ends); else --db is opened. */
  store?: EventStore;
  /** `--http[=ADDR]`: serve the console for this run while it is driven. */
  http?: string | boolean;
  httpPublic?: boolean;
  /** Recorded in DRIVER_ATTACHED (resume says `resume` even for a run that has no event yet). */
  attachReason?: 'new' | 'resume';
  /** The run's lease, when the caller took it already (resume after accepting a plan change). */
  lease?: HeldLease;
  /** `--max-bytes-billed`: the run's budget, logged as BUDGET_CHANGED. */
  maxBytesBilled?: number;
}

/** `--max-bytes-billed SIZE` parsed (BAD_ARGUMENT naming the option when it is not a size). */
export function maxBytesBilledOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = parseBytes(value);
  if (n === undefined) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `--max-bytes-billed ${value} is not valid: expected a size such as 10TiB, 500GiB or a whole number of bytes`,
    );
  }
  return n;
}

/** `--http[=ADDR]` parsed (throws BAD_ARGUMENT before anything is created when it is not valid). */
export function httpAddressOf(o: { http?: string | boolean; httpPublic?: boolean }) {
  if (o.http === undefined || o.http === false) return undefined;
  return parseHttpAddress(typeof o.http === 'string' ? o.http : '127.0.0.1:7420', o.httpPublic === true);
}

export async function driveRun(g: GlobalOptions, runId: string, o: DriveCliOptions = {}): Promise<number> {
  let inspector: InspectorBridge | undefined;
  let store: EventStore | undefined = o.store;
  try {
    inspector = o.inspect === undefined ? undefined : await startBridge(o.inspect);
    store ??= await openEvents(g);
    return await drive(g, store, runId, o, inspector);
  } finally {
    await store?.close();
    // Closing waits for warehouse work that outlived a detach; a process that lingers says why.
    await sayWhileWaiting(
      Promise.all([o.warehouse?.close().catch(() => undefined), closeOpening(o.opening)]),
      () =>
        process.stderr.write(
          `phased: ${LINGER_TEXT}; \`${commandHint('resume', runId, ...dbArgs(g))}\` may start meanwhile\n`,
        ),
    );
    await inspector?.close();
  }
}

async function drive(
  g: GlobalOptions,
  store: EventStore,
  runId: string,
  o: DriveCliOptions,
  inspector: InspectorBridge | undefined,
): Promise<number> {
  const stop = new AbortController();
  const graceEnd = new AbortController();
  const resumeHint = commandHint('resume', runId, ...dbArgs(g));
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      if (graceEnd.signal.aborted) return;
      process.stderr.write(
        `phased: ${sig} again: detaching now, without waiting for in-flight units (the resume looks them up or re-runs them)\n`,
      );
      graceEnd.abort();
      return;
    }
    process.stderr.write(
      `phased: ${sig}: finishing in-flight units, then detaching; ${sig} again detaches now (resume with \`${resumeHint}\`)\n`,
    );
    stop.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const t0 = Date.now();
  const logs = logDir(g);
  const logger = createRunLogger(logs, runId, g.logLevel ?? 'info');
  const driver = new Driver({
    store,
    runId,
    stop: stop.signal,
    graceEnd: graceEnd.signal,
    logDir: logs,
    inspect: inspector?.inspect,
    warehouse: o.warehouse,
    opening: o.opening,
    attachReason: o.attachReason,
    lease: o.lease,
    maxBytesBilled: o.maxBytesBilled,
    onSnapshotError: logSnapshotError(logger),
  });
  logEvents(logger, driver.events$);
  let budgetPause: BudgetFigures | undefined;
  driver.events$.subscribe(({ event }) => {
    if (event.type === 'PAUSED') budgetPause = event.budget;
  });
  const addr = httpAddressOf(o);
  let web: ConsoleServer | undefined;
  if (addr) {
    // The console, its server and prom-client load only when asked for (a plain resume starts without them).
    const { Metrics, serveHttp } = await import('../src/daemon/index.js');
    const metrics = new Metrics(store, () => 1);
    metrics.observe(driver.events$, () => driver.log?.plan);
    web = await serveHttp(store, metrics, addr, {
      mode: 'run',
      runId,
      say: (line) => process.stderr.write(`${line}\n`),
    });
    const server = web;
    driver.events$.subscribe(() => server.poke());
  }
  // Their ETA is the one status shows: a resumed run's starts from the completions logged before it. The bars
  // (cli-progress) load only on a terminal: a resume in a pipe or a test never pays for them.
  const bars =
    !o.quiet && process.stderr.isTTY
      ? (await loadProgressBars()).progressBars(driver.events$, process.stderr, store)
      : undefined;
  if (!o.quiet && !bars) {
    const sink = { write: (l: string) => process.stderr.write(`${l}\n`) };
    reportProgress(driver.events$, sink, 3000, Date.now, store);
  }
  try {
    const result = await driver
      .run()
      .catch((err) => {
        throw stoppedBy(err, runId, resumeHint);
      })
      .finally(() => bars?.stop());
    if (o.summary !== false && !o.quiet) {
      print(
        await formatRunSummary(driver.log, {
          wallMs: Date.now() - t0,
          logPath: runLogPath(logs, runId),
          db: store.location,
          dbArgs: dbArgs(g),
        }),
      );
    }
    if (result.status === 'paused' && budgetPause) print(budgetPauseMessage(runId, budgetPause, resumeHint));
    if (result.status === 'interrupted')
      print(`run ${runId} interrupted by ${result.reason}; resume with \`${resumeHint}\``);
    return result.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await web?.close();
    logger.flush();
  }
}

/** A drive stopped by a failure one can fix and go on from (a full disk, a server away): say how to go on. */
function stoppedBy(err: unknown, runId: string, resumeHint: string): unknown {
  if (!(err instanceof PhasedError) || !err.retryable) return err;
  return new PhasedError(
    err.code,
    `${err.message}\nrun ${runId} stopped there; once that is fixed, resume it with \`${resumeHint}\``,
    { retryable: true, cause: err, ...(err.details ? { details: err.details } : {}) },
  );
}

async function startBridge(port: string | boolean): Promise<InspectorBridge> {
  const { startInspector, inspectPort, inspectorBanner } = await loadInspector();
  const bridge = await startInspector(inspectPort(port));
  process.stderr.write(`${inspectorBanner(bridge)}\n`);
  return bridge;
}
