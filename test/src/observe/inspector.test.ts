// The inspector bridge's WebSocket with real ws clients: a browser from a foreign origin is refused on upgrade
// (403), the bridge's own page and non-browser clients (no Origin) are served, and what one viewer sends never
// reaches another.

import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createRunMachine, RunCursor } from '../../../machines/index.js';
import { type InspectorBridge, loadInspector } from '../../../src/observe/index.js';
import { twoPhasePlan } from '../../support/plans.js';

const open: InspectorBridge[] = [];
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
});

async function bridge(): Promise<InspectorBridge> {
  const { startInspector } = await loadInspector();
  const b = await startInspector(0);
  open.push(b);
  return b;
}

/** Connect with this Origin (none when undefined): resolves with the open socket, or the refusal's status. */
function connect(port: number, origin?: string): Promise<{ ws?: WebSocket; status?: number; got: string[] }> {
  const got: string[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, origin === undefined ? {} : { origin });
  ws.on('message', (d) => got.push(d.toString()));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, got }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode, got }));
    ws.once('error', reject);
  });
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
};

describe('inspector bridge WebSocket', () => {
  it('refuses a foreign Origin and serves its own page and non-browser clients', async () => {
    const b = await bridge();
    for (const foreign of [
      'https://evil.example',
      `http://evil.example:${b.port}`,
      `http://localhost:${b.port + 1}`,
      'null',
    ]) {
      const r = await connect(b.port, foreign);
      expect(r.status, foreign).toBe(403);
      expect(r.ws).toBeUndefined();
    }
    for (const own of [b.url, `http://127.0.0.1:${b.port}`, undefined]) {
      const r = await connect(b.port, own);
      expect(r.status, String(own)).toBeUndefined();
      expect(r.ws?.readyState).toBe(WebSocket.OPEN);
      r.ws?.close();
    }
  });

  it("never passes one viewer's messages on to another", async () => {
    const b = await bridge();
    const a = await connect(b.port, b.url);
    const viewer = await connect(b.port);
    const forged = JSON.stringify({ type: '@xstate.event', sessionId: 'forged', event: { type: 'FORGED' } });
    a.ws?.send(forged);
    // A pong means the bridge has handled everything A sent before its ping.
    await new Promise<void>((resolve) => {
      a.ws?.once('pong', () => resolve());
      a.ws?.ping();
    });
    // Then the bridge streams a real actor: had it relayed A's message, B would have had it before these.
    const cursor = new RunCursor(createRunMachine(twoPhasePlan()), undefined, { inspect: b.inspect });
    cursor.apply({ type: 'PREREQS_PASSED', checks: [] });
    await until(() => viewer.got.some((m) => m.includes('PREREQS_PASSED')));
    cursor.stop();
    expect(viewer.got.some((m) => m.includes('@xstate.actor'))).toBe(true);
    expect(viewer.got.join('\n')).not.toContain('FORGED');
    expect(a.got.join('\n')).not.toContain('FORGED');
    a.ws?.close();
    viewer.ws?.close();
  });
});
