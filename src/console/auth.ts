// Who may talk to the console: requests must name the server itself in Host (and Origin, when a browser sends
// one) so a rebinding DNS name cannot reach it; mutating requests need the console token. The token is
// PHASED_HTTP_TOKEN, or a random one kept in a file only its owner can read.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { PhasedError } from '../../machines/index.js';

export interface ConsoleToken {
  token: string;
  /** The file holding it, or null when it came from PHASED_HTTP_TOKEN. */
  file: string | null;
}

/** PHASED_HTTP_TOKEN, or the token file (created with mode 0600 when missing; refused when others can read it). */
export function loadToken(file: string, env = process.env): ConsoleToken {
  const fromEnv = env.PHASED_HTTP_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') return { token: fromEnv, file: null };
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  const st = statSync(file);
  if ((st.mode & 0o077) !== 0 || (typeof process.getuid === 'function' && st.uid !== process.getuid())) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `console token file ${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}): run \`chmod 600 ${file}\` or delete it to get a new one`,
    );
  }
  const token = readFileSync(file, 'utf8').trim();
  if (!token)
    throw new PhasedError('BAD_ARGUMENT', `console token file ${file} is empty: delete it to get a new one`);
  return { token, file };
}

export function tokenMatches(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization;
  const given = header?.startsWith('Bearer ')
    ? header.slice(7).trim()
    : (url.searchParams.get('token') ?? '');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const LOOPBACK_ADDR = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const WILDCARD = new Set(['0.0.0.0', '::', '']);
const IP_LITERAL = /^(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:.]+\])$/i;

export function isLoopbackAddress(addr: string | undefined): boolean {
  return addr !== undefined && LOOPBACK_ADDR.test(addr);
}

/** Host names (with port) the server answers to, from the address it listens on. */
export class HostCheck {
  private readonly names: Set<string>;
  private readonly wildcard: boolean;

  constructor(
    bound: string,
    private readonly port: number,
  ) {
    this.wildcard = WILDCARD.has(bound);
    const host = bound.includes(':') ? `[${bound}]` : bound;
    this.names = new Set([`${host}:${port}`]);
    if (LOOPBACK_ADDR.test(bound) || bound === 'localhost' || this.wildcard) {
      for (const h of ['localhost', '127.0.0.1', '[::1]']) this.names.add(`${h}:${port}`);
    }
    if (this.wildcard) this.names.add(`${hostname().toLowerCase()}:${port}`);
  }

  /** A Host header value (`name:port`) this server serves. */
  hostOk(host: string | undefined): boolean {
    if (!host) return false;
    const h = host.toLowerCase();
    if (this.names.has(h)) return true;
    if (!this.wildcard) return false;
    // Bound to every interface: any IP literal of ours is fine; a DNS name other than our own is not.
    const m = /^(.*):(\d+)$/.exec(h);
    return m !== null && Number(m[2]) === this.port && IP_LITERAL.test(m[1]);
  }

  /** An Origin header is absent (non-browser client) or is this server. */
  originOk(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    try {
      const u = new URL(origin);
      return u.protocol === 'http:' && this.hostOk(`${u.hostname}:${u.port || '80'}`);
    } catch {
      return false;
    }
  }
}
