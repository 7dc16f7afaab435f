// The run statechart as a graph the page can lay out (elkjs): every state node of the machine generated from the
// run's frozen plan, with its parent, type, effect and the step/gate/phase it stands for, and every transition
// that has a target. Also the ids of the active states for a state value, in the same id scheme as xstate's.

import type { AnyStateNode } from 'xstate';
import { createRunMachine, MACHINE_VERSION, type ResolvedPlan } from '../../machines/index.js';
import type { MachineEdge, MachineGraph, MachineNode, MachineNodeType } from './api-types.js';
import { activeIds } from './web/coverage.js';

function label(key: string, gate: string | undefined): string {
  if (key.startsWith('phase:')) return `phase ${key.slice(6)}`;
  if (key.startsWith('group:')) return `group ${Number(key.slice(6)) + 1}`;
  if (key.startsWith('step:')) return key.slice(5);
  if (key === 'gate' && gate) return `gate ${gate}`;
  if (key === 'hist') return 'history';
  return key;
}

function eventName(eventType: string): string {
  if (eventType === '') return 'always';
  if (eventType.startsWith('xstate.done.state.')) return 'done';
  return eventType;
}

export function machineGraph(plan: ResolvedPlan, planHash: string): MachineGraph {
  const machine = createRunMachine(plan);
  const nodes: MachineNode[] = [];
  const edges: MachineEdge[] = [];
  const walk = (n: AnyStateNode, context: { phase?: string; gate?: string; step?: string }) => {
    const meta = (n.meta ?? {}) as { effect?: string; step?: string; gate?: string; phase?: string };
    const ctx = { ...context };
    if (n.key.startsWith('phase:')) ctx.phase = n.key.slice(6);
    if (n.key.startsWith('step:')) ctx.step = n.key.slice(5);
    if (n.key === 'gate' && ctx.phase) ctx.gate = plan.phases.find((p) => p.id === ctx.phase)?.gate.id;
    const initial = n.type === 'compound' ? n.initial?.target?.[0]?.key : undefined;
    nodes.push({
      id: n.id,
      key: n.key,
      label: n.parent ? label(n.key, ctx.gate) : 'run',
      parent: n.parent?.id ?? null,
      type: n.type as MachineNodeType,
      ...(meta.effect ? { effect: meta.effect } : {}),
      ...(ctx.step ? { step: ctx.step } : {}),
      ...(ctx.gate ? { gate: ctx.gate } : {}),
      ...(ctx.phase ? { phase: ctx.phase } : {}),
      tags: [...(n.tags ?? [])],
      ...(initial ? { initial } : {}),
    });
    const transitions = [...n.transitions.values()].flat().concat(n.always ?? []);
    for (const t of transitions) {
      for (const target of t.target ?? []) {
        const guard = (t.guard as { type?: string } | undefined)?.type;
        const event = eventName(t.eventType);
        edges.push({
          id: `${n.id}→${target.id}:${event}:${edges.length}`,
          source: n.id,
          target: target.id,
          event,
          ...(guard ? { guard } : {}),
        });
      }
    }
    for (const child of Object.values(n.states) as AnyStateNode[]) walk(child, ctx);
  };
  walk(machine.root, {});
  return { machineVersion: MACHINE_VERSION, planHash, root: machine.root.id, nodes, edges };
}

/** Ids of the states a state value has active: each leaf and every ancestor, root first (shared with the page). */
export function activeStateIds(value: unknown, root = 'run'): string[] {
  return activeIds(root, value);
}
