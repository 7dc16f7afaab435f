// `phased replay RUN`: the audit timeline, the state as of a seq or time (--at), verification (--verify),
// and (--inspect) the stored log fed through a fresh actor into the Stately inspector.
import type { Command } from 'commander';
import {
  eventAt,
  eventPages,
  formatRunView,
  loadInspector,
  noEventsYet,
  resolveAt,
  runView,
  Timeline,
  verifyRun,
} from '../../src/observe/index.js';
import { action, globals, openEvents, print, printJson, readerGone } from '../context.js';

interface ReplayOptions {
  verify?: boolean;
  at?: string;
  inspect?: string | boolean;
  speed?: string;
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description(
      "print a run's timeline; --at SEQ|TIME rebuilds the state then; --verify checks the whole log",
    )
    .argument('<run>', 'run id')
    .option('--verify', 'check the hash chain, seq continuity and that the machine reproduces every state')
    .option('--at <seq|time>', 'the state and per-step progress as of this seq or ISO time')
    .option('--json', 'NDJSON timeline / JSON state')
    .option('--inspect [port]', 'feed the log through a fresh actor into the Stately inspector bridge')
    .option('--speed <events/s>', 'with --inspect: events per second (0 = as fast as possible)', '20')
    .action(
      action(async (runId: string, o: ReplayOptions, cmd: Command) => {
        const g = globals(cmd);
        const store = await openEvents(g, { readonly: true });
        try {
          await store.requireRun(runId);
          if (o.verify) {
            // The frozen plan is evidence too: it must hash to the plan hash the log recorded last.
            const r = await verifyRun(store, runId);
            if (g.json) printJson(r);
            else if (r.ok && r.events === 0) print(`run ${runId}: nothing to verify; ${noEventsYet(runId)}`);
            else if (r.plan === false) print(`run ${runId}: verification FAILED: ${r.reason}`);
            else if (r.ok)
              print(
                `run ${runId}: ${r.events} events verified (hash chain, seq, states reproduce; the frozen plan matches its recorded hash)`,
              );
            else print(`run ${runId}: verification FAILED at seq ${r.firstBadSeq}: ${r.reason}`);
            return r.ok ? 0 : 1;
          }
          if (o.at !== undefined) {
            const seq = await resolveAt(store, runId, o.at);
            const v = await runView(store, runId, seq);
            const at = (await eventAt(store, runId, seq))?.at;
            if (g.json) printJson({ ...v, owner: null, seq, at });
            else print(`as of seq ${seq} (${at})\n${formatRunView({ ...v, owner: null })}`);
            return 0;
          }
          if (o.inspect !== undefined) {
            const { replayIntoInspector } = await loadInspector();
            return await replayIntoInspector(store, runId, { port: o.inspect, speed: Number(o.speed) });
          }
          // Text prints the state only when an event changed it (with what it left and entered); NDJSON keeps
          // the full state on every row, plus entered and left.
          const timeline = new Timeline();
          let shown = 0;
          lines: for await (const page of eventPages(store, runId)) {
            for (const e of page) {
              if (readerGone()) break lines;
              print(g.json ? JSON.stringify(timeline.entry(e)) : timeline.line(e));
              shown++;
            }
          }
          // Said on stderr: the NDJSON on stdout stays empty, as the run's log is.
          if (shown === 0) process.stderr.write(`phased: ${noEventsYet(runId)}\n`);
          return 0;
        } finally {
          await store.close();
        }
      }),
    );
}
