// Builds dist/ once before the suite: end-to-end tests spawn the compiled CLI as a user would.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
