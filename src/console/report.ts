// `phased report`: one run's console as a single self-contained HTML file — the built page with its CSS and
// JS inlined and the run's views embedded as JSON (statechart, coverage before and after, timeline, gates,
// failures, human actions, plan hash and changes, chain verification, the estimates the log records as units
// start). It makes no network request.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PhasedError } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { eventPages, runView, verifyRun } from '../observe/index.js';
import type { EventEntry, UnitView } from './api-types.js';
import { consoleDir } from './build-paths.js';
import { costInputs } from './cost-view.js';
import { coverageAtHead, coverageAtSeq } from './coverage.js';
import { recordedEstimates } from './estimate.js';
import { eventEntry, timeline } from './events.js';
import { machineDefinition } from './machine-layout.js';
import { REPORT_DATA_ID, type ReportData } from './report-data.js';
import { ownerOf, RunCache } from './run-cache.js';
import { listItem, runDetail } from './views.js';

/** Every view of one run, read from the store and its projections (the server's own view functions). */
export async function reportData(store: EventStore, runId: string, version: string): Promise<ReportData> {
  await store.requireRun(runId);
  const cache = new RunCache(store);
  try {
    const row = await store.views.runSummary(runId);
    const live = await cache.require(runId);
    // Gate decisions and human actions come from one scan of the log; the report needs them all.
    await live.loadMarks();
    if (!row) throw new PhasedError('RUN_NOT_FOUND', `run ${runId} not found`);
    const head = await store.head(runId);
    const owner = ownerOf(row);
    const run = runDetail(row, live, owner, await costInputs(store, live));
    if (!run.headHash) run.headHash = head.hash;
    const gates = live.snapshot.context.gates;
    const baselineSeq = (await store.views.eventsOfTypes(runId, ['BASELINE_RECORDED']))[0]?.seq;
    const chain = await verifyRun(store, runId);
    const units = await store.units(runId);
    const failedUnits: UnitView[] = units
      .filter((u) => u.status === 'failed' || (u.status === 'pending' && u.error !== null))
      .map((u) => ({
        step: u.step,
        partition: u.partition,
        status: u.status,
        retrying: u.status === 'pending',
        attempts: u.attempts,
        rows: u.rows,
        jobRef: u.jobRef,
        error: u.error ? JSON.parse(u.error) : null,
        lastSeq: u.lastSeq,
        retryAt: null,
      }));
    return {
      generatedAt: new Date().toISOString(),
      version,
      run,
      list: listItem(row, live, owner, await live.statusEta()),
      machine: await machineDefinition(live.plan, row.planHash),
      coverage: coverageAtHead(live.plan, live.baseline, units, gates, head.seq),
      coverageBefore:
        baselineSeq === undefined ? null : await coverageAtSeq(store, runId, live.plan, baselineSeq, gates),
      timeline: await timeline(store, runId, head.seq),
      events: await allEntries(store, runId),
      failedUnits,
      verify: {
        ok: chain.ok,
        count: chain.events,
        headSeq: head.seq,
        headHash: head.hash,
        ...(chain.firstBadSeq !== undefined ? { firstBadSeq: chain.firstBadSeq } : {}),
        ...(chain.reason !== undefined ? { reason: chain.reason } : {}),
      },
      status: await runView(store, runId),
      estimate: {
        runId,
        warehouse: live.plan.warehouse.kind,
        kind: live.plan.warehouse.kind === 'bigquery' ? 'bytes' : 'measured',
        estimate: null,
        error: 'a report does not query the warehouse; the live console computes the estimate',
        at: new Date().toISOString(),
        recorded: await recordedEstimates(store, runId, head.seq),
      },
    };
  } finally {
    cache.close();
  }
}

/** Every event of the run as the API lists them: the report embeds the whole log. */
async function allEntries(store: EventStore, runId: string): Promise<EventEntry[]> {
  const out: EventEntry[] = [];
  for await (const page of eventPages(store, runId)) for (const e of page) out.push(eventEntry(e));
  return out;
}

/** JSON or script text made safe inside a <script> element. */
const scriptSafe = (text: string) => text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

/** The built console page with its assets inlined and `data` embedded: one file, no network. */
export function reportHtml(data: ReportData, dir = consoleDir()): string {
  const file = (name: string) => {
    const path = join(dir, name);
    if (!existsSync(path))
      throw new PhasedError(
        'BAD_ARGUMENT',
        `the console is not built (${path} is missing): run \`npm run build\``,
      );
    return readFileSync(path, 'utf8');
  };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return file('index.html')
    .replace(/<title>[^<]*<\/title>/, `<title>phased report: ${data.run.runId.replace(/[<&]/g, '')}</title>`)
    .replace(
      '<link rel="stylesheet" href="console.css">',
      () =>
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; worker-src blob:; style-src 'unsafe-inline'; img-src data:">\n<style>${file('console.css').replace(/<\/style/gi, '<\\/style')}</style>\n<script id="${REPORT_DATA_ID}" type="application/json">${json}</script>`,
    )
    .replace(
      '<script src="console.js"></script>',
      () => `<script>${scriptSafe(file('console.js'))}</script>`,
    );
}
