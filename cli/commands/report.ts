// `phased report RUN [-o FILE]`: one run's audit report as a single HTML file that opens offline.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MACHINE_VERSION } from '../../machines/index.js';
import { reportData, reportHtml } from '../../src/console/report.js';
import { action, globals, openEvents, print } from '../context.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      "write one run's audit report: a self-contained HTML file (statechart, coverage before and after, timeline, gates, failures, human actions, chain check)",
    )
    .argument('<run>', 'run id')
    .option('-o, --output <file>', 'where to write it (default phased-report-RUN.html)')
    .action(
      action(async (runId: string, o: { output?: string }, cmd: Command) => {
        const g = globals(cmd);
        const store = await openEvents(g, { readonly: true });
        try {
          const html = reportHtml(await reportData(store, runId, MACHINE_VERSION));
          const file = resolve(o.output ?? `phased-report-${runId.replace(/[^\w.-]/g, '_')}.html`);
          writeFileSync(file, html);
          print(`report for run ${runId}: ${file} (${Math.round(html.length / 1024)} KB)`);
          return 0;
        } finally {
          await store.close();
        }
      }),
    );
}
