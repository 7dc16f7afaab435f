// Lays out the run's statechart (the nodes and edges of machine-graph.ts) with elkjs, on the server: the page
// and the report draw the boxes and paths it returns, so no layout engine ships to the browser. Cached per plan.

import type { ElkExtendedEdge, ELK as ElkInstance, ElkNode } from 'elkjs/lib/elk-api.js';
import type { ResolvedPlan } from '../../machines/index.js';
import type {
  Layout,
  LayoutBox,
  LayoutPath,
  MachineDefinition,
  MachineGraph,
  MachineNode,
} from './api-types.js';
import { machineGraph } from './machine-graph.js';

/** elkjs's self-contained build (no worker thread), loaded on the first layout only. */
async function newElk(): Promise<ElkInstance> {
  const mod = (await import('elkjs/lib/elk.bundled.js')) as unknown as {
    default: new () => ElkInstance;
  };
  return new mod.default();
}

const CHAR_W = 6.4;
const LEAF_H = 24;

function ancestors(id: string, parent: Map<string, string | null>): string[] {
  const out: string[] = [];
  for (let p: string | null | undefined = id; p; p = parent.get(p)) out.push(p);
  return out;
}

/** One layout engine per process: constructing it costs more than a small layout. */
let elk: Promise<ElkInstance> | undefined;

export async function layoutMachine(def: MachineGraph): Promise<Layout> {
  const nodes = def.nodes.filter((n) => n.type !== 'history');
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map(nodes.map((n) => [n.id, n.parent]));
  const kids = new Map<string, MachineNode[]>();
  for (const n of nodes) if (n.parent) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n]);
  const elkNodes = new Map<string, ElkNode>();
  const make = (n: MachineNode): ElkNode => {
    const children = kids.get(n.id) ?? [];
    const e: ElkNode = { id: n.id, labels: [{ text: n.label }] };
    if (children.length === 0) {
      e.width = Math.max(56, n.label.length * CHAR_W + 18);
      e.height = LEAF_H;
    } else {
      e.children = children.map(make);
      e.edges = [];
      const parallel = n.type === 'parallel';
      // Regions of a parallel state stack; a phase's groups and gate run top to bottom, so the chart stays
      // narrow enough for the page; everything else flows left to right.
      const down = parallel || n.key.startsWith('phase:');
      e.layoutOptions = {
        'elk.padding': `[top=${22},left=8,bottom=8,right=8]`,
        'elk.direction': down ? 'DOWN' : 'RIGHT',
        'elk.spacing.nodeNode': parallel ? '6' : '14',
        'elk.layered.spacing.nodeNodeBetweenLayers': '18',
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${n.label.length * CHAR_W + 24}, 40)`,
      };
    }
    elkNodes.set(n.id, e);
    return e;
  };
  const rootNode = byId.get(def.root);
  if (!rootNode) throw new Error(`machine has no root node ${def.root}`);
  const root = make(rootNode);
  root.layoutOptions = {
    ...root.layoutOptions,
    'elk.algorithm': 'layered',
    'elk.edgeRouting': 'ORTHOGONAL',
    'elk.direction': 'RIGHT',
  };
  // Each edge goes in the container that holds both ends (their lowest common ancestor).
  const seen = new Set<string>();
  for (const e of def.edges) {
    const target = byId.get(e.target)?.type === 'history' ? (parent.get(e.target) ?? '') : e.target;
    if (!byId.has(e.source) || !byId.has(target) || e.source === target) continue;
    // Each compound state is laid out on its own (fast and stable), so an edge joins the two children of the
    // lowest common ancestor that hold its ends: a transition into a nested state points at its container.
    const srcUp = ancestors(e.source, parent);
    const tgtUp = ancestors(target, parent);
    const lca = tgtUp.find((a) => srcUp.includes(a) && a !== e.source && a !== target);
    if (!lca) continue;
    const from = srcUp[srcUp.indexOf(lca) - 1];
    const to = tgtUp[tgtUp.indexOf(lca) - 1];
    const container = elkNodes.get(lca);
    if (!container?.edges || !from || !to || from === to) continue;
    const key = `${from}>${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    container.edges.push({ id: e.id, sources: [from], targets: [to], labels: [{ text: e.event }] });
  }
  // Containers without transitions among their children (parallel regions) are stacked by the cheap box
  // algorithm; the rest use layered with low thoroughness: the chart is small and is laid out on every load.
  for (const n of elkNodes.values()) {
    if (!n.children?.length) continue;
    n.layoutOptions = {
      ...n.layoutOptions,
      'elk.algorithm': n.edges?.length ? 'layered' : 'box',
      'elk.layered.thoroughness': '1',
    };
  }
  elk ??= newElk();
  const laid = await (await elk).layout(root);
  const boxes: LayoutBox[] = [];
  const paths: LayoutPath[] = [];
  const offset = new Map<string, { x: number; y: number }>();
  const visit = (n: ElkNode, ox: number, oy: number, depth: number): void => {
    const x = ox + (n.x ?? 0);
    const y = oy + (n.y ?? 0);
    offset.set(n.id, { x, y });
    const def = byId.get(n.id);
    if (def)
      boxes.push({ node: def.id, x, y, w: n.width ?? 0, h: n.height ?? 0, leaf: !n.children?.length, depth });
    for (const c of n.children ?? []) visit(c, x, y, depth + 1);
    for (const e of (n.edges ?? []) as ElkExtendedEdge[]) {
      const o = offset.get(n.id) ?? { x: 0, y: 0 };
      for (const s of e.sections ?? []) {
        const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({
          x: p.x + o.x,
          y: p.y + o.y,
        }));
        paths.push({ id: e.id, event: e.labels?.[0]?.text ?? '', points: pts });
      }
    }
  };
  visit(laid, 0, 0, 0);
  return { width: laid.width ?? 0, height: laid.height ?? 0, boxes, paths };
}

/** Laid-out machines by plan hash: a plan's chart never changes, and a few plans cover every run shown. */
const cache = new Map<string, Promise<MachineDefinition>>();
const CACHE_MAX = 16;

/** GET /api/runs/:id/machine (and the report): the run's statechart with its layout. */
export function machineDefinition(plan: ResolvedPlan, planHash: string): Promise<MachineDefinition> {
  let p = cache.get(planHash);
  if (!p) {
    const graph = machineGraph(plan, planHash);
    p = layoutMachine(graph).then((layout) => ({ ...graph, layout }));
    p.catch(() => cache.delete(planHash));
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(planHash, p);
  }
  return p;
}
