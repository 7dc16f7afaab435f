// Every benchmark scenario, in the order `npm run bench` runs them (cheap store figures first, the demo last).
import type { Scenario } from '../support/measure.js';
import { apiConsole } from './api-console.js';
import { appendAnatomyScenario } from './append-anatomy.js';
import { appendBatched } from './append-batched.js';
import { appendSingle } from './append-single.js';
import { cliResume } from './cli-resume.js';
import { concurrency } from './concurrency.js';
import { demo } from './demo.js';
import { makespan } from './makespan.js';
import { nodeStart } from './node-start.js';
import { pgStore } from './pg-store.js';
import { rebuild } from './rebuild.js';
import { resume } from './resume.js';
import { uiBundle } from './ui-bundle.js';
import { uiRender } from './ui-render.js';
import { unitOverhead } from './unit-overhead.js';

export const SCENARIOS: Scenario[] = [
  appendSingle,
  appendBatched,
  appendAnatomyScenario,
  unitOverhead,
  concurrency,
  makespan,
  rebuild,
  nodeStart,
  resume,
  cliResume,
  pgStore,
  apiConsole,
  uiBundle,
  demo,
  uiRender,
];

export {
  apiConsole,
  appendAnatomyScenario,
  appendBatched,
  appendSingle,
  cliResume,
  concurrency,
  demo,
  makespan,
  nodeStart,
  pgStore,
  rebuild,
  resume,
  uiBundle,
  uiRender,
  unitOverhead,
};
