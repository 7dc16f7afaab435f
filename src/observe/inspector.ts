// The Stately inspector bridge on localhost: a page that frames stately.ai/inspect and a WebSocket that streams
// our actors' inspection events. Late viewers first get every actor registration (with its machine definition).
// The WebSocket is one-way and private to the bridge's own page: a browser connection from any other origin is
// refused (403), and what a viewer sends is never passed on. Loaded lazily (through loadInspector) so runs
// without --inspect never load @statelyai/inspect or ws.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createInspector } from '@statelyai/inspect';
import { WebSocket, WebSocketServer } from 'ws';
import type { InspectionEvent } from 'xstate';
import { PhasedError } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { rebuildRun } from '../engine/rebuild.js';

export const DEFAULT_INSPECT_PORT = 8080;
const KEEP = 200;

export interface InspectorBridge {
  port: number;
  /** The page to open: it frames the Stately inspector and relays this bridge's WebSocket into it. */
  url: string;
  /** Pass as `inspect` to an actor (Driver / RunLog / RunCursor options). */
  inspect: (e: InspectionEvent) => void;
  close(): Promise<void>;
}

function bridgePage(port: number): string {
  return `<!DOCTYPE html>
<html><head><title>phased · Stately inspector</title>
<style>*{margin:0;padding:0}html,body{height:100%}iframe{width:100%;height:100%;border:none}</style></head>
<body><iframe id="inspector" src="https://stately.ai/inspect"></iframe>
<script>
const frame = document.getElementById('inspector');
const buffer = [];
let connected = false;
window.addEventListener('message', (e) => {
  if (e.data && e.data.type === '@statelyai.connected') {
    connected = true;
    for (const m of buffer.splice(0)) frame.contentWindow.postMessage(m, '*');
  }
});
const ws = new WebSocket('ws://' + location.hostname + ':${port}');
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (connected) frame.contentWindow.postMessage(m, '*'); else buffer.push(m);
};
</script></body></html>`;
}

function stringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'function' ? undefined : v));
  } catch {
    return undefined;
  }
}

/**
 * The origins of the bridge's own page: loopback names and the listening host, on its port. Compared with a
 * browser's `Origin`, never with `Host` (a DNS-rebound name arrives with a matching Host of its own).
 */
export function ownOrigins(host: string, port: number): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', host.includes(':') ? `[${host}]` : host]);
  return new Set([...names].map((n) => `http://${n.toLowerCase()}:${port}`));
}

/** Whether a WebSocket upgrade may connect: no Origin (not a browser) or one of the bridge's own. */
export function originAllowed(origin: string | undefined, own: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    return own.has(`${u.protocol}//${u.host}`.toLowerCase());
  } catch {
    return false;
  }
}

function refuse(socket: Duplex, origin: string): void {
  const body = `inspector bridge: WebSocket from origin ${origin} refused; open the bridge's own page instead\n`;
  socket.end(
    `HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Parse `--inspect[=PORT]` (true when given without a value). */
export function inspectPort(value: string | boolean | undefined): number {
  if (value === undefined || value === true || value === '') return DEFAULT_INSPECT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PhasedError('BAD_ARGUMENT', `--inspect ${value}: expected a port number (0 = any free port)`);
  }
  return port;
}

export async function startInspector(port: number, host = '127.0.0.1'): Promise<InspectorBridge> {
  const actors = new Map<string, string>();
  const recent: string[] = [];
  const http = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(bridgePage((http.address() as AddressInfo).port));
  });
  const wss = new WebSocketServer({ noServer: true });
  let own = new Set<string>();
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const origin = req.headers.origin;
    if (!originAllowed(origin, own)) return refuse(socket, String(origin));
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const broadcast = (msg: string) => {
    for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(msg);
  };
  wss.on('connection', (ws) => {
    for (const msg of actors.values()) ws.send(msg);
    for (const msg of recent) ws.send(msg);
    // Viewers only listen: nothing listens for what one sends, so it is never passed on to the others.
  });
  const inspector = createInspector(
    {
      send(event) {
        const msg = stringify(event);
        if (msg === undefined) return;
        if (event.type === '@xstate.actor') actors.set(event.sessionId, msg);
        else {
          recent.push(msg);
          if (recent.length > KEEP) recent.shift();
        }
        broadcast(msg);
      },
    },
    { autoStart: true },
  );
  await new Promise<void>((resolve, reject) => {
    http.once('error', (err) =>
      reject(new PhasedError('BAD_ARGUMENT', `--inspect: cannot listen on ${host}:${port}: ${err.message}`)),
    );
    http.listen(port, host, () => resolve());
  });
  const actual = (http.address() as AddressInfo).port;
  own = ownOrigins(host, actual);
  return {
    port: actual,
    url: `http://localhost:${actual}`,
    inspect: (e) => inspector.inspect.next?.(e),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
}

export function inspectorBanner(b: InspectorBridge): string {
  return `inspector: open ${b.url} (the Stately inspector, fed from ws://localhost:${b.port})`;
}

const waitForSignal = () =>
  new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });

/** Feed a stored log through a fresh actor at `speed` events/s (0 = at once); the bridge stays up until a signal. */
export async function replayIntoInspector(
  store: EventStore,
  runId: string,
  o: { port: string | boolean | undefined; speed: number },
): Promise<number> {
  if (!Number.isFinite(o.speed) || o.speed < 0) {
    throw new PhasedError('BAD_ARGUMENT', `--speed ${o.speed}: expected events per second ≥ 0`);
  }
  await store.requireRun(runId);
  const bridge = await startInspector(inspectPort(o.port));
  process.stderr.write(`${inspectorBanner(bridge)}\n`);
  const stopped = waitForSignal();
  let interrupted = false;
  void stopped.then(() => {
    interrupted = true;
  });
  // The one rebuild path, from genesis, with the bridge watching the actor and the visitor pacing the events.
  let n = 0;
  const r = await rebuildRun(store, runId, {
    from: 'genesis',
    inspect: bridge.inspect,
    visit: async () => {
      if (interrupted) return 'interrupted';
      n++;
      if (o.speed > 0) await new Promise((res) => setTimeout(res, 1000 / o.speed));
      return undefined;
    },
  });
  process.stderr.write(
    `replayed ${n} events of run ${runId}; the bridge stays up for viewers (Ctrl-C to stop)\n`,
  );
  await stopped;
  r.cursor?.stop();
  await bridge.close();
  return 0;
}
