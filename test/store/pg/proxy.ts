// A TCP proxy between the store and a real PostgreSQL that can lose a connection at chosen moments: right after
// forwarding a request (the server still runs it) or instead of forwarding its reply (the server has already
// committed it). It never alters a byte; it only cuts connections and can hold new ones back.

import { connect, createServer, type Server, type Socket } from 'node:net';

export class CuttingProxy {
  private server?: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private held: Socket[] = [];
  private holding = false;
  private arm?: { marker: Buffer; when: 'after-request' | 'instead-of-reply'; fired: () => void };
  port = 0;

  constructor(
    private readonly upstreamPort: number,
    private readonly upstreamHost = '127.0.0.1',
  ) {}

  async start(): Promise<void> {
    this.server = createServer((s) => (this.holding ? this.held.push(s) : this.pipe(s)));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  /**
   * The next request whose bytes contain `marker` loses its connection: `after-request` cuts it as soon as the
   * request is forwarded; `instead-of-reply` forwards the request and cuts when the reply comes back, dropping it.
   * Resolves when the cut happened.
   */
  cutOn(marker: string, when: 'after-request' | 'instead-of-reply'): Promise<void> {
    return new Promise((fired) => {
      this.arm = { marker: Buffer.from(marker), when, fired };
    });
  }

  /** New connections wait (accepted, not forwarded) until release(). */
  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const s of this.held.splice(0)) this.pipe(s);
  }

  private pipe(client: Socket): void {
    const up = connect(this.upstreamPort, this.upstreamHost);
    const pair: [Socket, Socket] = [client, up];
    this.pairs.add(pair);
    let cutOnReply: (() => void) | undefined;
    const cut = () => {
      client.destroy();
      up.destroy();
    };
    client.on('data', (chunk) => {
      const a = this.arm;
      up.write(chunk);
      if (a && chunk.includes(a.marker)) {
        this.arm = undefined;
        if (a.when === 'after-request') {
          // The request is on its way to the server; the client's side of the connection goes.
          setImmediate(() => {
            client.destroy();
            a.fired();
          });
        } else {
          cutOnReply = a.fired;
        }
      }
    });
    up.on('data', (chunk) => {
      if (cutOnReply) {
        const fired = cutOnReply;
        cutOnReply = undefined;
        cut();
        fired();
        return;
      }
      client.write(chunk);
    });
    const done = () => {
      this.pairs.delete(pair);
      cut();
    };
    // A client gone after its request leaves the server side open: the server finishes the request on its own.
    client.on('error', () => {});
    up.on('error', done);
    up.on('close', done);
  }

  async stop(): Promise<void> {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    for (const s of this.held.splice(0)) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
