// Process-group bookkeeping for command steps: pidfiles with the process start time, liveness, killing a group.
// It spawns nothing; command.ts runs the steps. Linux /proc gives start times, so a recycled pid is never ours.

import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PidFile {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot); absent where /proc is not available. */
  startTime?: string;
  attempt: number;
  argv: string[];
  log: string;
}

interface ProcStat {
  state: string;
  pgrp: number;
  startTime: string;
}

/** Parse /proc/<pid>/stat; the command name (field 2) may contain spaces and parentheses. */
function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the last ')' start at field 3 (state).
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0], pgrp: Number(rest[2]), startTime: rest[19] };
}

export function procStartTime(pid: number): string | undefined {
  return procStat(pid)?.startTime;
}

/** A live process (a zombie, already dead and waiting to be reaped, does not count). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = procStat(pid);
  return stat === undefined ? true : stat.state !== 'Z';
}

/** Live members of process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return entries.some((e) => {
    const s = procStat(Number(e));
    return s !== undefined && s.pgrp === pgid && s.state !== 'Z';
  });
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

/** SIGTERM the whole group, SIGKILL it after `graceMs`, and return once no member is alive. */
export async function killGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(20);
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, 'SIGKILL');
  for (let i = 0; i < 500 && groupAlive(pgid); i++) await sleep(10);
}

export async function writePidFile(path: string, info: PidFile): Promise<void> {
  await writeFile(path, `${JSON.stringify(info)}\n`);
}

export async function readPidFile(path: string): Promise<PidFile | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PidFile;
  } catch {
    return undefined;
  }
}

export async function removePidFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

/**
 * Kill the process group a pidfile names if it is still ours (leader alive with the same start time).
 * Returns true when something was killed. The pidfile is removed either way.
 */
export async function killOrphan(pidfile: string, graceMs = 2_000): Promise<boolean> {
  const info = await readPidFile(pidfile);
  let killed = false;
  if (info) {
    // The leader alive with our start time, or gone while members of its group live on (Linux never
    // reuses a pid that still names a process group): either way the group is ours.
    const alive = isAlive(info.pid);
    const now = alive ? procStartTime(info.pid) : undefined;
    const leaderOurs = alive && (info.startTime === undefined || now === undefined || now === info.startTime);
    const remnants = !alive && groupAlive(info.pid);
    if (leaderOurs || remnants) {
      await killGroup(info.pid, graceMs);
      killed = true;
    }
  }
  await removePidFile(pidfile);
  return killed;
}
