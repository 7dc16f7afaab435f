// `phased daemon`: drive every unfinished run that no live process drives, pick up new ones, serve metrics.
// SIGTERM/SIGINT: stop dispatching, let in-flight units finish, detach, exit 143/130; a restart resumes all.
// A second signal ends the grace: every run detaches at once, leaving its in-flight units to the restart.
import type { Command } from 'commander';
import { Daemon, DEFAULT_HTTP, parseHttpAddress, serveHttp } from '../../src/daemon/index.js';
import { type InspectorBridge, loadInspector } from '../../src/observe/index.js';
import { action, badArgument, globals, logDir, openEvents } from '../context.js';

interface DaemonCliOptions {
  http?: string | boolean;
  httpPublic?: boolean;
  inspect?: string | boolean;
  graceMs?: string;
}

const say = (line: string) => process.stderr.write(`daemon: ${line}\n`);

export function registerDaemon(program: Command): void {
  program
    .command('daemon')
    .description('drive every unfinished run in the database (and runs created later with `run --detach`)')
    .option('--http [host:port]', `serve the web console, its API and /metrics (default ${DEFAULT_HTTP})`)
    .option(
      '--http-public',
      'allow --http on a non-loopback address (requests from other hosts need the token)',
    )
    .option('--inspect [port]', 'stream every driven run into the Stately inspector bridge on localhost')
    .option('--grace-ms <ms>', 'on SIGTERM/SIGINT, how long in-flight units may finish', '30000')
    .action(
      action(async (o: DaemonCliOptions, cmd: Command) => {
        const g = globals(cmd);
        const graceMs = Number(o.graceMs);
        if (!Number.isInteger(graceMs) || graceMs < 0) {
          throw badArgument(
            `--grace-ms ${o.graceMs} is not valid: expected a whole number of milliseconds ≥ 0`,
          );
        }
        const addr =
          o.http === undefined
            ? undefined
            : parseHttpAddress(typeof o.http === 'string' ? o.http : DEFAULT_HTTP, o.httpPublic === true);
        const store = await openEvents(g);
        let inspector: InspectorBridge | undefined;
        if (o.inspect !== undefined) {
          const { startInspector, inspectPort, inspectorBanner } = await loadInspector();
          inspector = await startInspector(inspectPort(o.inspect));
          say(inspectorBanner(inspector));
        }
        let poke: (() => void) | undefined;
        const graceEnd = new AbortController();
        const daemon = new Daemon({
          store,
          logDir: logDir(g),
          logLevel: g.logLevel,
          graceMs,
          graceEnd: graceEnd.signal,
          inspect: inspector?.inspect,
          say,
          onAppend: () => poke?.(),
        });
        const http = addr ? await serveHttp(store, daemon.metrics, addr, { mode: 'daemon', say }) : undefined;
        poke = http?.poke;
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGINT', () => resolve('SIGINT'));
          process.once('SIGTERM', () => resolve('SIGTERM'));
          daemon.start();
          say(`started (pid ${process.pid}) on ${store.location}`);
        });
        say(
          `${signal}: finishing in-flight units, then detaching ${daemon.runs().length} run(s) (a second signal detaches now)`,
        );
        const again = () => {
          if (graceEnd.signal.aborted) return;
          say(
            'signal again: detaching now, without waiting for in-flight units (a restart looks them up or re-runs them)',
          );
          graceEnd.abort();
        };
        process.on('SIGINT', again);
        process.on('SIGTERM', again);
        await daemon.stop(signal);
        await http?.close();
        await inspector?.close();
        await store.close();
        say('stopped; a restarted daemon resumes every run');
        return signal === 'SIGINT' ? 130 : 143;
      }),
    );
}
