// `phased ui`: serve the web console for a database without driving anything. Its controls append to the log;
// whichever process drives the run reacts. SIGINT/SIGTERM stop serving.
import type { Command } from 'commander';
import { DEFAULT_HTTP, Metrics, parseHttpAddress, serveHttp } from '../../src/daemon/index.js';
import { action, globals, openEvents } from '../context.js';

interface UiOptions {
  http?: string;
  httpPublic?: boolean;
}

const say = (line: string) => process.stderr.write(`ui: ${line}\n`);

export function registerUi(program: Command): void {
  program
    .command('ui')
    .description('serve the web console for the database without driving runs (controls append to the log)')
    .option('--http <host:port>', `where to listen (default ${DEFAULT_HTTP})`, DEFAULT_HTTP)
    .option('--http-public', 'allow a non-loopback address (requests from other hosts need the token)')
    .action(
      action(async (o: UiOptions, cmd: Command) => {
        const g = globals(cmd);
        const addr = parseHttpAddress(o.http ?? DEFAULT_HTTP, o.httpPublic === true);
        const store = await openEvents(g);
        try {
          const server = await serveHttp(store, new Metrics(store, () => 0), addr, {
            mode: 'ui',
            say,
          });
          say(`serving ${store.location} (pid ${process.pid}); Ctrl-C stops`);
          await new Promise<void>((resolve) => {
            process.once('SIGINT', () => resolve());
            process.once('SIGTERM', () => resolve());
          });
          await server.close();
          return 0;
        } finally {
          await store.close();
        }
      }),
    );
}
