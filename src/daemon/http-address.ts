// The --http address: `host:port` parsed, and a non-loopback host refused unless the operator says so.
// Kept apart from the server so that commands can check the option without loading the console.

import { PhasedError } from '../../machines/index.js';

export interface HttpAddress {
  host: string;
  port: number;
}

export const DEFAULT_HTTP = '127.0.0.1:7420';
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

/** Parse `host:port` (`[::1]:port` for IPv6); a non-loopback host needs `allowPublic`. */
export function parseHttpAddress(spec: string, allowPublic = false): HttpAddress {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(spec);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PhasedError('BAD_ARGUMENT', `--http ${spec}: expected host:port, e.g. 127.0.0.1:7420`);
  }
  const host = m[1].replace(/^\[|\]$/g, '');
  if (!allowPublic && !LOOPBACK.test(host)) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `--http ${spec}: ${host} is not a loopback address; other machines could reach the console (they need its token). Add --http-public to serve it anyway.`,
    );
  }
  return { host, port };
}
