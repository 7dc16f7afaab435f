// Builds dist/ once before the suite: end-to-end tests spawn the compiled CLI as a user would.
// Type errors do not stop the build (tsc still emits); `npm run typecheck` is where they fail CI.
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (r.status !== 0)
    process.stderr.write(
      `[global-setup] tsc reported errors (dist/ was still emitted):\n${r.stdout.slice(0, 2000)}\n`,
    );
}
