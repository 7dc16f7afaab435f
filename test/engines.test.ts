// package.json `engines` states the Node versions phased runs on: node:crypto's one-shot `hash` (the event
// log's hash chain) needs 20.12 or later, and better-sqlite3's prebuilt addon skips Node 21.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
  engines: { node: string };
};

/** Whether `version` (major.minor.patch) satisfies a range written as `^a.b.c`, `>=a[.b.c]`, joined by `||`. */
function satisfies(range: string, version: string): boolean {
  const v = version.split('.').map(Number);
  const cmp = (a: number[], b: number[]) =>
    (a[0] - b[0]) * 1e6 + ((a[1] ?? 0) - (b[1] ?? 0)) * 1e3 + ((a[2] ?? 0) - (b[2] ?? 0));
  return range.split('||').some((part) => {
    const m = /^\s*(\^|>=)(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(part);
    if (!m) throw new Error(`unexpected range part ${JSON.stringify(part)} in ${range}`);
    const floor = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
    return m[1] === '^' ? v[0] === floor[0] && cmp(v, floor) >= 0 : cmp(v, floor) >= 0;
  });
}

it('engines excludes Node versions without crypto.hash and those better-sqlite3 does not support', () => {
  const range = pkg.engines.node;
  for (const old of ['18.20.0', '20.0.0', '20.11.1', '21.7.0'])
    expect(satisfies(range, old), old).toBe(false);
  for (const ok of ['20.12.0', '20.19.0', '22.0.0', '24.1.0']) expect(satisfies(range, ok), ok).toBe(true);
  // The majors better-sqlite3 declares (`20.x || 22.x || …`) cover every major the range accepts from 22 up.
  const sqlite = JSON.parse(
    readFileSync(join(process.cwd(), 'node_modules/better-sqlite3/package.json'), 'utf8'),
  ) as { engines: { node: string } };
  const majors = [...sqlite.engines.node.matchAll(/(\d+)\.x/g)].map((m) => Number(m[1]));
  for (let major = 20; major <= Math.max(...majors); major++) {
    if (satisfies(range, `${major}.99.0`)) expect(majors, `Node ${major}`).toContain(major);
  }
});

it('the running Node has what engines promises', async () => {
  const crypto = await import('node:crypto');
  expect(typeof crypto.hash).toBe('function');
  expect(satisfies(pkg.engines.node, process.versions.node)).toBe(true);
});
