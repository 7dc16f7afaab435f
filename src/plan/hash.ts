// The plan's identity: a sha256 of its canonical JSON without `source`, with paths relative to the plan's
// folder, so moving the folder keeps the hash and any SQL or setting change alters it.

import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ResolvedPlan } from '../../machines/index.js';

/** A resolved plan as it is compared: no `source`; local paths relative to the plan's folder. */
export type PortablePlan = Omit<ResolvedPlan, 'source'>;

function relative(dir: string | undefined, p: string): string {
  if (dir === undefined) return p;
  return path.relative(dir, p).split(path.sep).join('/') || '.';
}

/** The plan without its location: what planHash and diffPlans compare. */
export function portablePlan(plan: ResolvedPlan): PortablePlan {
  const { source, ...rest } = plan;
  const dir = source ? path.dirname(source) : undefined;
  const warehouse =
    rest.warehouse.kind === 'sqlite'
      ? { ...rest.warehouse, path: relative(dir, rest.warehouse.path) }
      : rest.warehouse;
  const phases = rest.phases.map((phase) => ({
    ...phase,
    groups: phase.groups.map((group) => ({
      steps: group.steps.map((step) => {
        if (step.command?.cwd === undefined) return step;
        // The plan's own folder is the default working directory: written or not, the plan is the same (and runs
        // frozen before the default existed keep their hash).
        const { cwd, ...command } = step.command;
        const rel = relative(dir, cwd);
        return { ...step, command: rel === '.' ? command : { ...command, cwd: rel } };
      }),
    })),
  }));
  return { ...rest, warehouse, phases };
}

/** JSON with object keys sorted at every level and undefined members dropped (as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 hex of the plan's canonical JSON, without its source location. */
export function planHash(plan: ResolvedPlan): string {
  return createHash('sha256')
    .update(canonicalJson(portablePlan(plan)))
    .digest('hex');
}
