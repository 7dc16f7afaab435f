// The Stately inspector bridge: a WebSocket receiver gets the actor registration (machine definition with the
// plan's phases and steps) then events and snapshots, live from `run --inspect` and from `replay --inspect`.
import { join } from 'node:path';
import { createWebSocketReceiver } from '@statelyai/inspect';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { cli, slowProject, start, tmp, waitFor } from '../support/ops.js';

interface Msg {
  type: string;
  definition?: string;
  snapshot?: { value?: unknown };
  event?: { type?: string };
}

function listen(port: number): Msg[] {
  const got: Msg[] = [];
  createWebSocketReceiver({ server: `ws://127.0.0.1:${port}` }).subscribe((m) => {
    got.push(m as Msg);
  });
  return got;
}

const portOf = (stderr: string) => Number(/inspector: open http:\/\/localhost:(\d+)/.exec(stderr)?.[1] ?? 0);

function checkDefinition(got: Msg[]): void {
  expect(got[0].type).toBe('@xstate.actor');
  const def = got[0].definition ?? '';
  for (const id of ['phase:p1', 'phase:p2', 'step:a', 'step:c', 'step:e']) expect(def).toContain(id);
}

describe('--inspect', () => {
  it('streams a live run: definition first, then events and snapshots', async () => {
    const dir = tmp();
    const db = join(dir, 'phased.db');
    const { plan } = slowProject(dir, { dates: 6, sleepMs: 200, concurrency: 1 });
    const run = start(db, ['run', plan, '--run-id', 'i1', '--inspect', '0']);
    const port = await waitFor(() => portOf(run.err()), 'the bridge port');
    const got = listen(port);
    expect(await run.exit).toBe(0);
    checkDefinition(got);
    expect(got.some((m) => m.type === '@xstate.event' && m.event?.type === 'UNIT_SUCCEEDED')).toBe(true);
    expect(got.some((m) => m.type === '@xstate.snapshot')).toBe(true);
  }, 180_000);

  it('replays a stored log through a fresh actor; a late viewer still gets the definition and the end', async () => {
    const dir = tmp();
    const db = join(dir, 'phased.db');
    const { plan } = slowProject(dir, { dates: 4 });
    expect(cli(db, ['run', plan, '--run-id', 'i2']).code).toBe(0);
    const replay = start(db, ['replay', 'i2', '--inspect', '0', '--speed', '0']);
    const port = await waitFor(() => portOf(replay.err()), 'the bridge port');
    // Connect only after the whole log went through: registration is re-sent, then the recent messages.
    await waitFor(() => replay.err().includes('replayed'), 'the replay to finish');
    const got = listen(port);
    await waitFor(
      () => got.some((m) => m.type === '@xstate.snapshot' && m.snapshot?.value === 'succeeded'),
      'the final snapshot',
    );
    checkDefinition(got);
    const snaps = got.filter((m) => m.type === '@xstate.snapshot');
    expect(snaps.at(-1)?.snapshot?.value).toBe('succeeded');
    // A page from another origin cannot read the stream: the upgrade is refused.
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, { origin: 'https://evil.example' });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => reject(new Error('a foreign origin was accepted')));
      ws.once('error', reject);
    });
    expect(status).toBe(403);
    replay.proc.kill('SIGTERM');
    expect(await replay.exit).toBe(0);
  }, 180_000);
});
