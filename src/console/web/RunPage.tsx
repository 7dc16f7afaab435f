// One run: the overview (counters, controls, statechart, coverage), then timeline, gates, failures and audit
// tabs. Live pages follow the run over Server-Sent Events: each event moves the heatmap cell and the active
// states at once; the run's summary is re-read at most once a second while events arrive.

import { useEffect, useRef, useState } from 'preact/hooks';
import type {
  ControlAction,
  ControlRequest,
  CoverageMatrix,
  EventEntry,
  MachineDefinition,
  RunDetail,
  StreamHead,
  TimelineResponse,
} from '../api-types.js';
import { AuditView } from './AuditPage.js';
import { etaText, pct, Status, time } from './bits.js';
import { Controls, type Outcome } from './Controls.js';
import { CostPanel } from './CostPanel.js';
import { activeIds, applyToMatrix } from './coverage.js';
import { FailuresView } from './FailuresView.js';
import { GatesView } from './GatesView.js';
import { type CellPick, Heatmap } from './Heatmap.js';
import { Statechart } from './Statechart.js';
import { StepTable } from './StepTable.js';
import type { DataSource, EventQuery } from './source.js';
import { Timeline } from './Timeline.js';

export const TABS = ['overview', 'timeline', 'gates', 'failures', 'audit'] as const;
export type Tab = (typeof TABS)[number];

interface Props {
  source: DataSource;
  runId: string;
  tab: Tab;
  onTab: (t: Tab) => void;
  width: number;
}

interface Loaded {
  detail: RunDetail;
  machine: MachineDefinition;
  coverage: CoverageMatrix;
  before: CoverageMatrix | null;
}

export function RunPage({ source, runId, tab, onTab, width }: Props) {
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState<string[]>([]);
  const [head, setHead] = useState<StreamHead | null>(null);
  const [, setVersion] = useState(0);
  const [timeline, setTimeline] = useState<TimelineResponse | null>(null);
  const [picked, setPicked] = useState<{ cell: CellPick; error?: string } | null>(null);
  const [stateSel, setStateSel] = useState<string | undefined>(undefined);
  const [filter, setFilter] = useState<EventQuery>({});
  const dirty = useRef({ frame: 0, detail: 0 as number | ReturnType<typeof setTimeout>, timeline: false });

  useEffect(() => {
    let live = true;
    setData(null);
    // The coverage before the run is shown only in reports (live pages have time travel for it).
    const machine = source.machine(runId);
    Promise.all([
      source.run(runId),
      machine,
      source.coverage(runId),
      source.live ? Promise.resolve(null) : source.coverageBefore(runId),
    ]).then(
      ([detail, machine, coverage, before]) => {
        if (!live) return;
        matrix.current = null;
        setMatrix(coverage);
        setData({ detail, machine, coverage, before });
        setActive(detail.activeStates);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [source, runId]);

  // The matrix the stream updates in place; replaced (and caught up) when a retry makes the page refetch it.
  const matrix = useRef<{ m: CoverageMatrix; index: Map<string, number>; recent: EventEntry[] } | null>(null);
  const refetching = useRef(false);
  const setMatrix = (m: CoverageMatrix) => {
    const index = new Map(m.dates.map((d, i) => [d, i]));
    const recent = matrix.current?.recent ?? [];
    for (const e of recent) if (e.seq > m.seq) applyToMatrix(m, e, index);
    matrix.current = { m, index, recent };
  };

  useEffect(() => {
    if (!data || !source.live) return;
    const refreshDetail = () => {
      if (dirty.current.detail) return;
      dirty.current.detail = setTimeout(async () => {
        dirty.current.detail = 0;
        const [detail, timelineNow] = await Promise.all([
          source.run(runId),
          dirty.current.timeline ? source.timeline(runId) : Promise.resolve(null),
        ]);
        setData((d) => (d ? { ...d, detail } : d));
        if (timelineNow) setTimeline(timelineNow);
      }, 1000);
    };
    const sub = source.subscribe(runId, data.detail.headSeq, {
      event: (e) => {
        const cur = matrix.current;
        if (cur) {
          cur.recent.push(e);
          if (cur.recent.length > 2000) cur.recent.splice(0, 1000);
        }
        // A baseline or a retry changes which cells exist or re-opens many: fetch the matrix again.
        const known = cur ? applyToMatrix(cur.m, e, cur.index) : false;
        const unitEvent = e.type.startsWith('UNIT_');
        if (
          e.type === 'RETRY_REQUESTED' ||
          e.type === 'BASELINE_RECORDED' ||
          (unitEvent && !known && !refetching.current)
        ) {
          refetching.current = true;
          source.coverage(runId).then((coverage) => {
            refetching.current = false;
            setMatrix(coverage);
            setData((d) => (d ? { ...d, coverage } : d));
          });
        }
        setActive(activeIds(data.machine.root, e.state));
        if (!dirty.current.frame)
          dirty.current.frame = requestAnimationFrame(() => {
            dirty.current.frame = 0;
            setVersion((v) => v + 1);
          });
        refreshDetail();
      },
      head: setHead,
    });
    return () => {
      sub.stop();
      if (dirty.current.detail) clearTimeout(dirty.current.detail);
      dirty.current.detail = 0;
    };
  }, [data === null, source, runId]);

  useEffect(() => {
    dirty.current.timeline = tab === 'timeline';
    if (tab === 'timeline') source.timeline(runId).then(setTimeline, (e: Error) => setError(e.message));
  }, [tab, source, runId]);

  if (error)
    return (
      <p role="alert">
        run {runId}: {error}
      </p>
    );
  if (!data) return <p class="muted">loading run {runId}…</p>;
  const { detail, machine, coverage, before } = data;
  const status = head?.status ?? detail.status;
  const units = head?.units ?? detail.units;
  const cov = head?.coverage ?? detail.coverage;
  const eta = head?.eta ?? detail.eta;
  // Final: no driver, no ETA and no control applies any more (the CLI refuses each with exit 2). A daemon takes
  // only running (and created) runs; paused, blocked and failed ones wait for a human.
  const ended = status === 'succeeded' || status === 'cancelled';

  const act = async (action: ControlAction, body: ControlRequest): Promise<Outcome> => {
    const r = await source.act(runId, action, body);
    return { ok: r.ok, message: r.ok ? r.message : `refused (${r.status}): ${r.message}` };
  };
  const pick = async (cell: CellPick) => {
    setPicked({ cell });
    if (cell.kind !== 'failed' && cell.kind !== 'retrying') return;
    const u = (await source.units(runId, { step: cell.step, partition: cell.date })).units[0];
    const msg = u?.error
      ? `${u.error.code}: ${u.error.message} (attempt ${u.attempts}${u.retryAt ? `, next attempt ${time(u.retryAt)}` : ''}${u.jobRef ? `, ${u.jobRef}` : ''})`
      : 'no error recorded';
    setPicked({ cell, error: msg });
  };
  const selectState = (id: string) => {
    setStateSel(id);
    const node = machine.nodes.find((n) => n.id === id);
    if (node?.step) setFilter({ step: node.step });
    else if (node?.gate) setFilter({ type: 'GATE_PASSED,GATE_FAILED,GATE_OVERRIDDEN' });
    else setFilter({});
  };

  return (
    <div data-testid="run-page" data-run={runId} data-status={status}>
      <section class="card" aria-labelledby="run-h">
        <h2 id="run-h">
          run {runId} · plan {detail.plan} · <Status value={status} />
        </h2>
        <p data-testid="run-summary">
          units <b data-k="units-done">{units.done}</b> / <b data-k="units-total">{units.total}</b> done,{' '}
          {units.running} running, {units.retrying} waiting to retry, {units.failed} failed · coverage{' '}
          {pct(cov.ratio)} ({cov.present}/{cov.expected}) ·{' '}
          {ended ? (
            `ended ${time(detail.endedAt)}`
          ) : (
            <>
              ETA {etaText(detail.runEta.seconds)} for {detail.runEta.remaining} units
              {eta.unitsPerMinute ? ` (${eta.unitsPerMinute.toFixed(1)} units/min)` : ''} ·{' '}
              <span data-k="driver">
                {detail.owner
                  ? `driven by ${detail.owner}`
                  : status === 'running' || status === 'created'
                    ? 'not driven (resume it, or let a daemon take it)'
                    : 'not driven'}
              </span>
            </>
          )}{' '}
          · plan hash <code>{detail.planHash.slice(0, 16)}</code>
          {detail.failure ? ` · failure: ${detail.failure}` : ''}
        </p>
      </section>
      <div class="tabs" role="tablist" aria-label="run views">
        {TABS.map((t) => (
          <button
            type="button"
            role="tab"
            key={t}
            aria-selected={tab === t}
            onClick={() => onTab(t)}
            data-tab={t}
          >
            {t}
          </button>
        ))}
      </div>
      {tab === 'overview' && (
        <>
          {source.live &&
            (ended ? (
              <section class="card" aria-labelledby="controls-h">
                <h2 id="controls-h">Controls</h2>
                <p data-testid="controls-ended">
                  run {runId} has ended ({status}): it takes no more pause, resume, cancel, retry or approve.
                </p>
              </section>
            ) : (
              <Controls run={detail} act={act} />
            ))}
          <section class="card" aria-labelledby="chart-h">
            <h2 id="chart-h">Statechart</h2>
            <Statechart
              machine={machine}
              active={active}
              gates={detail.gates}
              selected={stateSel}
              onSelect={selectState}
            />
            {stateSel && (
              <p class="muted">
                state {stateSel}: its events are in the audit tab ({' '}
                <button type="button" onClick={() => onTab('audit')}>
                  show events
                </button>
                )
              </p>
            )}
          </section>
          <section class="card" aria-labelledby="cov-h">
            <h2 id="cov-h">Coverage: table × date{source.live ? '' : ' (after the run)'}</h2>
            <Heatmap matrix={coverage} width={width} onPick={pick} detail={picked?.error} />
          </section>
          {!source.live && before && (
            <section class="card" aria-labelledby="before-h">
              <h2 id="before-h">Coverage before the run (as of its baseline, seq {before.seq})</h2>
              <Heatmap matrix={before} width={width} label="coverage before" />
            </section>
          )}
          <section class="card" aria-labelledby="steps-h">
            <h2 id="steps-h">Steps</h2>
            <StepTable steps={detail.steps} label="per-step counters" />
          </section>
          <CostPanel source={source} run={detail} />
        </>
      )}
      {tab === 'timeline' && (
        <section class="card" aria-labelledby="tl-h">
          <h2 id="tl-h">Unit timeline</h2>
          {timeline ? (
            <Timeline data={timeline} steps={detail.steps.map((s) => s.id)} width={width} now={Date.now()} />
          ) : (
            <p class="muted">loading…</p>
          )}
        </section>
      )}
      {tab === 'gates' && <GatesView gates={detail.gates} />}
      {tab === 'failures' && <FailuresView groups={detail.failures} live={source.live} act={act} />}
      {tab === 'audit' && (
        <AuditView
          source={source}
          runId={runId}
          detail={detail}
          machine={machine}
          width={width}
          filter={filter}
          onFilter={setFilter}
        />
      )}
    </div>
  );
}
