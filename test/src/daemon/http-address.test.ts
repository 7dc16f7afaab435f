// The daemon's --http address: host:port parsing, and non-loopback hosts refused unless asked for.
import { describe, expect, it } from 'vitest';
import { PhasedError } from '../../../machines/index.js';
import { parseHttpAddress } from '../../../src/daemon/index.js';

describe('parseHttpAddress', () => {
  it('accepts loopback addresses', () => {
    expect(parseHttpAddress('127.0.0.1:7420')).toEqual({ host: '127.0.0.1', port: 7420 });
    expect(parseHttpAddress('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    expect(parseHttpAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
  });

  it('refuses public hosts without allowPublic, and malformed specs', () => {
    expect(() => parseHttpAddress('0.0.0.0:7420')).toThrow(/--http-public/);
    expect(parseHttpAddress('0.0.0.0:7420', true)).toEqual({ host: '0.0.0.0', port: 7420 });
    for (const bad of ['7420', 'host:', 'host:99999', ':80']) {
      let err: unknown;
      try {
        parseHttpAddress(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(PhasedError);
      expect((err as PhasedError).code).toBe('BAD_ARGUMENT');
    }
  });
});
