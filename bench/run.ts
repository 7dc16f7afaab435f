// `npm run bench [-- --quick] [-- --only a,b] [-- --runs N] [-- --readme FILE]`: runs the scenarios in
// order, prints one JSON line per figure as it is measured, then a Markdown table of them all.

import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { SCENARIOS } from './scenarios/index.js';
import type { Result } from './support/measure.js';
import { markdownTable, writeIntoReadme } from './support/table.js';

function jsonLine(r: Result): string {
  return JSON.stringify({ ...r, value: Number.isFinite(r.value) ? r.value : null });
}

const USAGE = `usage: npm run bench -- [--quick] [--only ID,ID] [--runs N] [--readme FILE]
  --quick         reduced sizes, well under a minute; no demo
  --only ID,ID    these scenarios only (ids: ${SCENARIOS.map((s) => s.id).join(', ')})
  --runs N        measured runs per figure (default 5; 3 with --quick)
  --readme FILE   also write the results table into FILE (between its bench markers)
`;

function options() {
  return parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      runs: { type: 'string' },
      readme: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}

async function main(): Promise<number> {
  let values: ReturnType<typeof options>;
  try {
    values = options();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const quick = values.quick ?? false;
  const runs = values.runs ? Number(values.runs) : quick ? 3 : 5;
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`--runs must be a positive integer, got ${values.runs}\n`);
    return 2;
  }
  const only = values.only?.split(',').map((s) => s.trim());
  const chosen = only ? SCENARIOS.filter((s) => only.includes(s.id)) : SCENARIOS;
  const unknown = only?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(
      `--only: unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}\n`,
    );
    return 2;
  }
  const startLoad = loadavg();
  const results: Result[] = [];
  for (const s of chosen) {
    for (const r of await s.run({ quick, runs, runsGiven: values.runs !== undefined })) {
      results.push(r);
      process.stdout.write(`${jsonLine(r)}\n`);
    }
  }
  const table = markdownTable(results, { quick, startLoad });
  process.stdout.write(`\n${table}\n`);
  if (values.readme) writeIntoReadme(values.readme, table);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
