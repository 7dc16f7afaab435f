// The console's estimate against a BigQuery endpoint that accepts connections and never answers (as a network
// that drops replies, or a credential look-up that never returns, leaves it): the request ends with an error
// naming the warehouse and what to check, the log's recorded estimates still listed; a request meanwhile waits on
// the same attempt, and once that attempt ends the next request asks the warehouse again.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunEstimates } from '../../../src/console/estimate.js';
import { RunCache } from '../../../src/console/index.js';
import { DRY_RUNS_AT_ONCE } from '../../../src/cost/estimate.js';
import { twoPhasePlan } from '../../support/plans.js';
import { DATES, type LiveFixture, makeLiveFixture } from './live-fixture.js';

let fx: LiveFixture;
let silent: Server;
const sockets = new Set<Socket>();
let accepted = 0;
const saved = process.env.BIGQUERY_EMULATOR_HOST;

beforeEach(async () => {
  silent = createServer((s) => {
    accepted++;
    sockets.add(s);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const addr = silent.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  process.env.BIGQUERY_EMULATOR_HOST = `http://127.0.0.1:${addr.port}`;
  const plan = {
    ...twoPhasePlan(),
    warehouse: { kind: 'bigquery' as const, projectId: 'p', location: 'US' },
  };
  fx = await makeLiveFixture(plan);
});
afterEach(async () => {
  if (saved === undefined) delete process.env.BIGQUERY_EMULATOR_HOST;
  else process.env.BIGQUERY_EMULATOR_HOST = saved;
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
  await fx.close();
});

describe('the console estimate with a warehouse that never answers', () => {
  it('answers with an error after its deadline, keeps the recorded estimates, and asks again once the attempt ends', async () => {
    await fx.append([
      {
        type: 'UNIT_STARTED',
        step: 'a',
        partition: DATES[0],
        attempt: 1,
        reason: 'first',
        estimatedBytes: 300,
      },
    ]);
    const cache = new RunCache(fx.store);
    const live = await cache.get('r1');
    if (!live) throw new Error('run r1 not loaded');
    const estimates = new RunEstimates(fx.store, 300);
    const first = await estimates.get(live);
    expect(first.estimate).toBeNull();
    expect(first.error).toMatch(/bigquery warehouse did not answer this server within 0\.3 s/);
    expect(first.error).toMatch(/credentials and network/);
    expect(first).not.toHaveProperty('timedOut');
    expect(first.recorded).toEqual([{ step: 'a', units: 1, estimatedBytes: 300 }]);
    // The client reached the endpoint: the wait was the warehouse's (its requests go on in the background). The
    // attempt has more dry runs than it sends at once, so once all its connections are open it holds that many.
    await vi.waitFor(() => expect(accepted).toBe(DRY_RUNS_AT_ONCE), { timeout: 20_000 });
    const before = accepted;
    // While the first request still waits on the warehouse, another one waits on it too instead of opening a
    // second client: requests to a hung warehouse do not pile up connections.
    const second = await estimates.get(live);
    expect(second.error).toMatch(/did not answer/);
    expect(accepted).toBe(before);
    // The warehouse drops the connection: that attempt ends (with an error), and a request after it asks anew.
    for (const s of sockets) s.destroy();
    sockets.clear();
    await vi.waitFor(
      async () => {
        expect((await estimates.get(live, true)).estimate).toBeNull();
        expect(accepted).toBeGreaterThan(before);
      },
      { timeout: 20_000, interval: 50 },
    );
  });
});
