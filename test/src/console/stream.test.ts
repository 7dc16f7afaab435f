// The console's event stream over the asynchronous store: a subscriber gets the run's head first, then every event
// after its starting point once, in seq order, including events appended while it reads and polls run, then a
// head at the new seq. Real SQLite file, real HTTP.
import { request } from 'node:http';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startConsole } from '../../../src/console/index.js';
import { Metrics } from '../../../src/daemon/index.js';
import { DATES, type LiveFixture, makeLiveFixture, unit } from './live-fixture.js';

let fx: LiveFixture;
beforeEach(async () => {
  fx = await makeLiveFixture();
});
afterEach(async () => {
  await fx.close();
});

interface Message {
  kind: string;
  id?: number;
  data: { seq?: number; headSeq?: number };
}

it('sends the head first, then each event once and in order, then the new head', async () => {
  const server = await startConsole({
    store: fx.store,
    metrics: new Metrics(fx.store, () => 0),
    addr: { host: '127.0.0.1', port: 0 },
    token: { token: 'test', file: null },
    mode: 'ui',
    pollMs: 2,
  });
  const got: Message[] = [];
  let notify: () => void = () => undefined;
  const req = request(`${server.url}/api/runs/r1/stream?from=0`, (res) => {
    let buf = '';
    res.on('data', (d) => {
      buf += d;
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const msg = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const kind = /^event: (.*)$/m.exec(msg)?.[1];
        if (!kind) continue;
        const id = /^id: (\d+)$/m.exec(msg)?.[1];
        got.push({
          kind,
          id: id ? Number(id) : undefined,
          data: JSON.parse(/^data: (.*)$/m.exec(msg)?.[1] ?? '{}'),
        });
      }
      notify();
    });
  });
  req.end();
  const until = (ok: () => boolean) =>
    new Promise<void>((resolve) => {
      notify = () => {
        if (ok()) resolve();
      };
      notify();
    });
  try {
    // Appends land while the subscriber is being served and while polls and pokes look for them.
    for (const [i, d] of DATES.entries()) {
      await fx.append([...unit('a', d, true), ...unit('b', d, i !== 1)]);
      if (i === 1) server.poke();
    }
    const head = (await fx.store.head('r1')).seq;
    await until(() => got.some((m) => m.kind === 'head' && m.data.headSeq === head));
    expect(got[0].kind).toBe('head');
    const events = got.filter((m) => m.kind === 'event');
    expect(events.map((m) => m.id)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    for (const m of events) expect(m.data.seq).toBe(m.id);
  } finally {
    req.destroy();
    await server.close();
  }
});
