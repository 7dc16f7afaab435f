// The statechart drawn: every state of the run's machine as the server laid it out (elkjs), the active ones highlighted
// (thick blue border and a ▶), a blocked gate in vermillion with its reason, and a click (or Enter) on a
// state selecting it so the page can show that state's events.

import { useEffect, useMemo } from 'preact/hooks';
import { isMeasured } from '../../../machines/report.js';
import type { GateView, MachineDefinition } from '../api-types.js';
import { OKABE_ITO } from './palette.js';

interface Props {
  machine: MachineDefinition;
  active: string[];
  gates: Pick<GateView, 'id' | 'status' | 'report' | 'reason'>[];
  selected?: string;
  onSelect?: (nodeId: string) => void;
}

/** The server's layout joined with the state nodes it places. */
function placed(machine: MachineDefinition) {
  const nodes = new Map(machine.nodes.map((n) => [n.id, n]));
  const boxes = machine.layout.boxes.flatMap((b) => {
    const node = nodes.get(b.node);
    return node ? [{ ...b, node }] : [];
  });
  return { ...machine.layout, boxes };
}

export function Statechart({ machine, active, gates, selected, onSelect }: Props) {
  const layout = useMemo(() => placed(machine), [machine]);
  useEffect(() => {
    performance.mark('phased:statechart-drawn');
  }, [layout]);
  const on = new Set(active);
  const blockedReason = (gate?: string) => {
    const g = gates.find((x) => x.id === gate);
    if (g?.status !== 'failed') return undefined;
    return (
      g.report?.error ??
      g.report?.tables
        .filter((t) => !t.ok)
        .map((t) => `${t.step} ${isMeasured(t) ? `${(t.coverage * 100).toFixed(1)}%` : 'query error'}`)
        .join(', ') ??
      'blocked'
    );
  };
  return (
    <div class="statechart" data-testid="statechart" data-active={[...on].join(' ')}>
      <svg
        width="100%"
        style={{ maxWidth: `${layout.width + 2}px`, display: 'block' }}
        viewBox={`-1 -1 ${layout.width + 2} ${layout.height + 2}`}
        aria-label="run statechart"
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="6"
            markerHeight="6"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" fill="#888" />
          </marker>
        </defs>
        {layout.boxes.map((b) => {
          const isActive = on.has(b.node.id);
          const blocked = isActive && b.node.key === 'blocked' ? blockedReason(b.node.gate) : undefined;
          const stroke = blocked ? OKABE_ITO.vermillion : isActive ? OKABE_ITO.blue : '#999';
          const fill = blocked
            ? '#fbe3d6'
            : isActive
              ? b.leaf
                ? '#d6eaf8'
                : 'rgba(0,114,178,0.05)'
              : b.leaf
                ? '#fff'
                : b.depth % 2
                  ? '#fcfcfc'
                  : '#f6f6f6';
          const label = `${isActive && b.leaf ? '▶ ' : ''}${blocked ? '⛔ ' : ''}${b.node.label}`;
          const state = blocked ? `blocked: ${blocked}` : isActive ? 'active' : 'inactive';
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>
            <g
              key={b.node.id}
              data-state={b.node.id}
              data-active={isActive ? 'true' : 'false'}
              role="button"
              tabindex={0}
              aria-label={`state ${b.node.label} (${b.node.id}): ${state}`}
              aria-pressed={selected === b.node.id}
              onClick={(e) => {
                e.stopPropagation();
                onSelect?.(b.node.id);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onSelect?.(b.node.id);
                }
              }}
              style={{ cursor: 'pointer' }}
            >
              <rect
                x={b.x}
                y={b.y}
                width={b.w}
                height={b.h}
                rx={b.leaf ? 10 : 4}
                fill={fill}
                stroke={selected === b.node.id ? OKABE_ITO.black : stroke}
                stroke-width={isActive || selected === b.node.id ? 2.5 : 1}
                stroke-dasharray={b.node.type === 'parallel' ? '4 2' : undefined}
              />
              <text
                x={b.leaf ? b.x + b.w / 2 : b.x + 6}
                y={b.leaf ? b.y + b.h / 2 + 4 : b.y + 14}
                text-anchor={b.leaf ? 'middle' : 'start'}
                font-weight={isActive ? 700 : 400}
                fill={blocked ? OKABE_ITO.vermillion : '#1a1a1a'}
              >
                {label}
              </text>
              {blocked && (
                <text x={b.x + 4} y={b.y + b.h + 12} fill={OKABE_ITO.vermillion} font-size="11">
                  {blocked.slice(0, 60)}
                </text>
              )}
            </g>
          );
        })}
        {layout.paths.map((p, i) => (
          <polyline
            key={`${p.id}-${i}`}
            points={p.points.map((q) => `${q.x},${q.y}`).join(' ')}
            fill="none"
            stroke="#888"
            stroke-width="1"
            marker-end="url(#arrow)"
          >
            <title>{p.event}</title>
          </polyline>
        ))}
      </svg>
    </div>
  );
}
