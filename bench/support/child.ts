// Spawning the compiled bench children and the CLI as a user would: `node <script> args…`, collecting
// stdout, failing with stderr when the child does.

import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
/** dist/bench/support → the compiled files the children run. */
export const SUPPORT_DIR = HERE;
/** The bundled CLI that package.json's `bin` names (dist/bin/phased.js). */
export const CLI_MAIN = join(HERE, '..', '..', 'bin', 'phased.js');

export interface ChildResult {
  stdout: string;
  /** Epoch ms (high resolution) just before spawn. */
  spawnedAt: number;
  /** Epoch ms when the child exited. */
  exitedAt: number;
}

export function runNode(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.timeOrigin + performance.now();
    const child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const exitedAt = performance.timeOrigin + performance.now();
      if (code === 0) resolve({ stdout, spawnedAt, exitedAt });
      else reject(new Error(`${script} exited ${code}: ${stderr.trim().slice(-2000)}`));
    });
  });
}

/** The last stdout line that parses as JSON. */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n').reverse();
  for (const l of lines) {
    try {
      return JSON.parse(l) as T;
    } catch {}
  }
  throw new Error(`no JSON line in child output: ${stdout.slice(-500)}`);
}

/**
 * resume_naive_ms once: copies the log `from` to `file` and spawns support/resume-naive-child.cjs on it (no phased
 * code); ms from spawn to its one committed event.
 */
export async function resumeNaiveMs(from: string, file: string, runId: string): Promise<number> {
  copyFileSync(from, file);
  const r = await runNode(join(HERE, 'resume-naive-child.cjs'), [file, runId]);
  return lastJson<{ firstUnitAt: number }>(r.stdout).firstUnitAt - r.spawnedAt;
}
