// Audit: the event log filterable by type, step and partition (paged from the server); a time-travel
// slider showing the statechart, coverage and counters as of any seq (the server's `replay --at`); and the
// hash chain's verification with the head hash.

import { useEffect, useState } from 'preact/hooks';
import { EVENT_TYPES } from '../../../machines/events.js';
import type { AtSeqView, EventEntry, MachineDefinition, VerifyView } from '../api-types.js';
import { Status, time } from './bits.js';
import { Heatmap } from './Heatmap.js';
import { Statechart } from './Statechart.js';
import { StepTable } from './StepTable.js';
import type { DataSource, EventQuery } from './source.js';

const PAGE = 200;

interface Props {
  source: DataSource;
  runId: string;
  headSeq: number;
  steps: string[];
  machine: MachineDefinition;
  width: number;
  filter: EventQuery;
  onFilter: (q: EventQuery) => void;
}

function brief(e: EventEntry): string {
  const d = e.data as Record<string, unknown>;
  const parts = ['step', 'partition', 'attempt', 'gate', 'by', 'reason', 'rows']
    .filter((k) => d[k] !== undefined)
    .map((k) => `${k}=${String(d[k])}`);
  const err = d.error as { code?: string; message?: string } | undefined;
  if (err) parts.push(`error=${err.code}: ${err.message}`);
  return parts.join(' ');
}

export function EventLog({
  source,
  runId,
  filter,
  onFilter,
}: Pick<Props, 'source' | 'runId' | 'filter' | 'onFilter'>) {
  const [events, setEvents] = useState<EventEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    source.events(runId, { ...filter, from: filter.from ?? 1, limit: PAGE }).then(
      (p) => {
        setEvents(p.events);
        setNext(p.nextFrom);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [source, runId, filter.type, filter.step, filter.partition, filter.from]);
  const more = async () => {
    if (next === null) return;
    const p = await source.events(runId, { ...filter, from: next, limit: PAGE });
    setEvents([...events, ...p.events]);
    setNext(p.nextFrom);
  };
  return (
    <section class="card" aria-labelledby="log-h">
      <h2 id="log-h">Event log</h2>
      <div class="controls">
        <label>
          type
          <select
            aria-label="filter events by type"
            value={filter.type ?? ''}
            onChange={(e) => onFilter({ ...filter, type: e.currentTarget.value || undefined })}
          >
            <option value="">all types</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          step
          <input
            aria-label="filter events by step"
            value={filter.step ?? ''}
            onChange={(e) => onFilter({ ...filter, step: e.currentTarget.value || undefined })}
          />
        </label>
        <label>
          partition
          <input
            aria-label="filter events by partition"
            value={filter.partition ?? ''}
            placeholder="YYYY-MM-DD"
            onChange={(e) => onFilter({ ...filter, partition: e.currentTarget.value || undefined })}
          />
        </label>
        <button type="button" onClick={() => onFilter({})}>
          Clear filters
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
      <div class="events" data-testid="event-log">
        <table class="grid">
          <thead>
            <tr>
              <th class="num">seq</th>
              <th>time</th>
              <th>type</th>
              <th>detail</th>
              <th>hash</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.seq} data-seq={e.seq} data-type={e.type}>
                <td class="num">{e.seq}</td>
                <td>{time(e.at)}</td>
                <td>{e.type}</td>
                <td class="mono">{brief(e)}</td>
                <td class="mono">{e.hash.slice(0, 12)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next !== null && (
        <button type="button" onClick={more}>
          Load more events
        </button>
      )}
    </section>
  );
}

export function TimeTravel({ source, runId, headSeq, machine, width, steps }: Props) {
  const [seq, setSeq] = useState(headSeq);
  const [view, setView] = useState<AtSeqView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (s: number) =>
    source.at(runId, s).then(
      (v) => {
        setView(v);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  return (
    <section class="card" aria-labelledby="travel-h" data-testid="travel">
      <h2 id="travel-h">Time travel</h2>
      <div class="controls">
        <label style={{ flex: '1 1 600px' }}>
          seq {seq} of {headSeq}
          <input
            type="range"
            min={1}
            max={headSeq}
            value={seq}
            aria-label="time travel: seq"
            onInput={(e) => setSeq(Number(e.currentTarget.value))}
            onChange={(e) => load(Number(e.currentTarget.value))}
          />
        </label>
        <label>
          seq
          <input
            type="number"
            min={1}
            max={headSeq}
            value={seq}
            aria-label="time travel: seq number"
            onInput={(e) => setSeq(Number(e.currentTarget.value))}
          />
        </label>
        <button type="button" onClick={() => load(seq)}>
          Show state at seq
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
      {view && (
        <div data-testid="travel-view" data-seq={view.seq} data-status={view.status}>
          <p>
            as of seq <b>{view.seq}</b> ({time(view.at)}, {view.type}): <Status value={view.status} />
            {view.failure ? ` · ${view.failure}` : ''}
          </p>
          <StepTable steps={view.steps} label="counters at this seq" />
          <Statechart machine={machine} active={view.activeStates} gates={view.gates} />
          <Heatmap matrix={view.coverage} width={width} label="coverage at this seq" />
          <span class="sr-only">{steps.length} steps</span>
        </div>
      )}
    </section>
  );
}

export function ChainCheck({ source, runId }: { source: DataSource; runId: string }) {
  const [v, setV] = useState<VerifyView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    source.verify(runId).then(setV, (e: Error) => setError(e.message));
  }, [source, runId]);
  return (
    <section class="card" aria-labelledby="chain-h" data-testid="chain">
      <h2 id="chain-h">Hash chain</h2>
      {error && <p role="alert">{error}</p>}
      {!v && !error && <p class="muted">verifying…</p>}
      {v && (
        <p data-ok={v.ok ? 'true' : 'false'}>
          <Status value={v.ok ? 'passed' : 'failed'} /> {v.count} events{' '}
          {v.ok ? 'verified' : `FAILED at seq ${v.firstBadSeq}: ${v.reason}`}
          <br />
          head seq {v.headSeq}, head hash{' '}
          <code class="hash" data-testid="head-hash">
            {v.headHash}
          </code>
        </p>
      )}
    </section>
  );
}
