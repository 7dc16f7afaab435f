// The console's token file and its Host/Origin checks (DNS rebinding), on real files and addresses.
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostCheck, loadToken } from '../../../src/console/index.js';

describe('console token', () => {
  it('creates a token file only its owner can read, and reuses it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'phased-token-')), 'console-token');
    const a = loadToken(file, {});
    expect(a.file).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(a.token).toMatch(/^[0-9a-f]{48}$/);
    expect(loadToken(file, {}).token).toBe(a.token);
    expect(readFileSync(file, 'utf8').trim()).toBe(a.token);
  });

  it('refuses a token file others can read, naming it and the fix', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'phased-token-')), 'console-token');
    writeFileSync(file, 'secret\n');
    chmodSync(file, 0o644);
    expect(() => loadToken(file, {})).toThrow(/readable by others.*chmod 600/);
  });

  it('prefers PHASED_HTTP_TOKEN', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'phased-token-')), 'console-token');
    expect(loadToken(file, { PHASED_HTTP_TOKEN: 't0k' })).toEqual({ token: 't0k', file: null });
  });
});

describe('console Host/Origin check', () => {
  it('answers to its own loopback names only', () => {
    const h = new HostCheck('127.0.0.1', 7420);
    expect(h.hostOk('127.0.0.1:7420')).toBe(true);
    expect(h.hostOk('localhost:7420')).toBe(true);
    expect(h.hostOk('evil.example:7420')).toBe(false);
    expect(h.hostOk('127.0.0.1:7421')).toBe(false);
    expect(h.hostOk(undefined)).toBe(false);
    expect(h.originOk(undefined)).toBe(true);
    expect(h.originOk('http://localhost:7420')).toBe(true);
    expect(h.originOk('http://evil.example:7420')).toBe(false);
    expect(h.originOk('null')).toBe(false);
  });

  it('bound to every interface, accepts IP literals and refuses other DNS names', () => {
    const h = new HostCheck('0.0.0.0', 80);
    expect(h.hostOk('10.1.2.3:80')).toBe(true);
    expect(h.hostOk('attacker.example:80')).toBe(false);
    expect(h.originOk('http://10.1.2.3')).toBe(true);
  });
});
