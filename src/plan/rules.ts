// Rules that span several fields or nodes of a plan: steps vs groups, what a step's kind requires, unique
// ids, the range order and the command-line overrides. Runs on the raw document, tolerant of shape errors.

import { formatPath, type Issue, show } from './issues.js';
import { isCalendarDate } from './schema.js';

export interface PlanOverrides {
  start?: string;
  end?: string;
  refill?: 'missing' | 'all';
}

type Path = (string | number)[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(obj: Record<string, unknown>, key: string): boolean {
  return obj[key] !== undefined;
}

/** Every step record of a phase with its document path, whichever of steps/groups holds it. */
function stepsOf(phase: Record<string, unknown>, at: Path): { step: Record<string, unknown>; at: Path }[] {
  const out: { step: Record<string, unknown>; at: Path }[] = [];
  const collect = (list: unknown, base: Path) => {
    if (!Array.isArray(list)) return;
    list.forEach((step, k) => {
      if (isRecord(step)) out.push({ step, at: [...base, k] });
    });
  };
  collect(phase.steps, [...at, 'steps']);
  if (Array.isArray(phase.groups)) {
    phase.groups.forEach((g, gi) => {
      if (isRecord(g)) collect(g.steps, [...at, 'groups', gi, 'steps']);
    });
  }
  return out;
}

function checkStepKind(step: Record<string, unknown>, at: Path, issues: Issue[]): void {
  const kind = step.kind ?? 'sql';
  if (kind === 'sql') {
    if (!has(step, 'sql')) {
      issues.push({
        path: [...at, 'sql'],
        message: 'required for a kind: sql step: expected SQL text or a .sql file, but it is missing',
      });
    }
    for (const key of ['command', 'cwd', 'env', 'timeout']) {
      if (has(step, key)) {
        issues.push({
          path: [...at, key],
          message: `expected only on a kind: command step, found it on a kind: sql step`,
        });
      }
    }
  } else if (kind === 'command') {
    if (!has(step, 'command')) {
      issues.push({
        path: [...at, 'command'],
        message:
          'required for a kind: command step: expected a list of arguments such as [./load.sh, "{partition}"], but it is missing',
      });
    }
    if (has(step, 'sql')) {
      issues.push({
        path: [...at, 'sql'],
        message: 'expected no sql on a kind: command step (its command writes the table), found sql',
      });
    }
  }
}

/** Issues of the document's structure across nodes; the schema reports each field on its own. */
export function structureIssues(doc: unknown): Issue[] {
  const issues: Issue[] = [];
  if (!isRecord(doc) || !Array.isArray(doc.phases)) return issues;
  const stepIds = new Map<string, string>();
  const phaseIds = new Map<string, number>();
  const gateIds = new Map<string, number>();
  doc.phases.forEach((phase, i) => {
    if (!isRecord(phase)) return;
    const at: Path = ['phases', i];
    const hasSteps = has(phase, 'steps');
    const hasGroups = has(phase, 'groups');
    if (hasSteps && hasGroups) {
      issues.push({
        path: at,
        message: 'expected either steps (one parallel group) or groups (in order), found both',
      });
    } else if (!hasSteps && !hasGroups) {
      issues.push({
        path: at,
        message: 'expected steps (one parallel group) or groups (in order), found neither',
      });
    }
    const phaseId = typeof phase.id === 'string' ? phase.id : undefined;
    let phaseDuplicate = false;
    if (phaseId !== undefined) {
      const first = phaseIds.get(phaseId);
      phaseDuplicate = first !== undefined;
      if (first !== undefined) {
        issues.push({
          path: [...at, 'id'],
          message: `expected a unique phase id, found ${show(phaseId)} again (first at phases[${first}])`,
        });
      } else phaseIds.set(phaseId, i);
    }
    const gate = isRecord(phase.gate) ? phase.gate : undefined;
    const explicitGate = typeof gate?.id === 'string' ? gate.id : undefined;
    const gateId = explicitGate ?? phaseId;
    if (gateId !== undefined && !(explicitGate === undefined && phaseDuplicate)) {
      const first = gateIds.get(gateId);
      if (first !== undefined) {
        issues.push({
          path: explicitGate !== undefined ? [...at, 'gate', 'id'] : [...at, 'id'],
          message: `expected a unique gate id, found ${show(gateId)} again (the gate of phases[${first}]; a gate id defaults to its phase id)`,
        });
      } else gateIds.set(gateId, i);
    }
    for (const { step, at: stepAt } of stepsOf(phase, at)) {
      checkStepKind(step, stepAt, issues);
      if (typeof step.id !== 'string') continue;
      const first = stepIds.get(step.id);
      if (first !== undefined) {
        issues.push({
          path: [...stepAt, 'id'],
          message: `expected a step id unique across the plan, found ${show(step.id)} again (first at ${first})`,
        });
      } else stepIds.set(step.id, formatPath(stepAt));
    }
  });
  return issues;
}

/** The range the run uses (overrides win), with issues for bad overrides and for start after end. */
export function rangeIssues(doc: unknown, overrides: PlanOverrides): Issue[] {
  const issues: Issue[] = [];
  for (const flag of ['start', 'end'] as const) {
    const value = overrides[flag];
    if (value !== undefined && !isCalendarDate(value)) {
      issues.push({
        path: [`--${flag}`],
        message: `expected a real calendar date YYYY-MM-DD, found ${show(value)}`,
      });
    }
  }
  if (overrides.refill !== undefined && overrides.refill !== 'missing' && overrides.refill !== 'all') {
    issues.push({
      path: ['--refill'],
      message: `expected "missing" or "all", found ${show(overrides.refill)}`,
    });
  }
  const range = isRecord(doc) && isRecord(doc.range) ? doc.range : {};
  const start = overrides.start ?? range.start;
  const end = overrides.end ?? range.end;
  if (typeof start !== 'string' || typeof end !== 'string') return issues;
  if (!isCalendarDate(start) || !isCalendarDate(end) || start <= end) return issues;
  const flags = [
    overrides.start !== undefined ? '--start' : '',
    overrides.end !== undefined ? '--end' : '',
  ].filter(Boolean);
  const path: Path = flags.length === 0 ? ['range'] : [flags.join('/')];
  issues.push({ path, message: `expected start <= end, found start ${start} after end ${end}` });
  return issues;
}
