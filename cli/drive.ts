// Drive a run in this process: signals, logs, progress and the closing summary; returns the exit code.
import { Driver } from '../src/engine/index.js';
import {
  createRunLogger,
  formatRunSummary,
  logEvents,
  reportProgress,
  runLogPath,
} from '../src/observe/index.js';

import { type GlobalOptions, logDir, openDb, print } from './context.js';

export interface DriveCliOptions {
  quiet?: boolean;
  /** Print the before → after summary at the end (run, resume, demo). */
  summary?: boolean;
}

export async function driveRun(g: GlobalOptions, runId: string, o: DriveCliOptions = {}): Promise<number> {
  const store = openDb(g);
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop.signal.aborted) return;
    process.stderr.write(
      `phased: ${sig}: finishing in-flight units, then detaching (resume with \`phased resume ${runId}\`)\n`,
    );
    stop.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const t0 = Date.now();
  const logs = logDir(g);
  const logger = createRunLogger(logs, runId, g.logLevel ?? 'info');
  const driver = new Driver({ store, runId, stop: stop.signal, logDir: logs });
  logEvents(logger, driver.events$);
  if (!o.quiet) reportProgress(driver.events$, { write: (l) => process.stderr.write(`${l}\n`) });
  try {
    const result = await driver.run();
    if (o.summary !== false && !o.quiet) {
      print(
        formatRunSummary(driver.log, {
          wallMs: Date.now() - t0,
          logPath: runLogPath(logs, runId),
          db: store.file,
        }),
      );
    }
    if (result.status === 'interrupted')
      print(`run ${runId} interrupted by ${result.reason}; resume with \`phased resume ${runId}\``);
    return result.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    logger.flush();
    store.close();
  }
}
