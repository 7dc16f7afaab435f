// Builds the package once before the suite (its own `build` script: tsc, and whatever else it bundles):
// end-to-end tests spawn the compiled CLI as a user would, so a failed build fails the suite rather than
// leaving the tests to run a stale dist/.
import { spawnSync } from 'node:child_process';

/** Run `npm run -s build` in `cwd`; throw with the build's output when it exits non-zero. */
export function buildPackage(cwd = process.cwd()): void {
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`the build could not start (npm run -s build in ${cwd}): ${r.error.message}`);
  if (r.status !== 0) {
    const how = r.status === null ? `was killed by ${r.signal}` : `exited ${r.status}`;
    const output = `${r.stdout}${r.stderr}`.trim().slice(0, 8000);
    throw new Error(
      `the build failed (npm run -s build ${how}); the tests would run a stale dist/:\n${output}`,
    );
  }
}

export default function setup(): void {
  buildPackage();
}
