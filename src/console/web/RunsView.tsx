// Runs: every run in the database with status, progress (units and coverage), ETA, owner and host, start,
// end and duration; filtered by status; choosing one opens it.

import type { RunListItem } from '../api-types.js';
import { duration, pct, Status, time } from './bits.js';

const STATUSES = ['', 'running', 'paused', 'blocked', 'failed', 'succeeded', 'cancelled', 'created'];

interface Props {
  runs: RunListItem[];
  filter: string;
  onFilter: (s: string) => void;
  selected: string | null;
  onOpen: (id: string) => void;
}

export function RunsView({ runs, filter, onFilter, selected, onOpen }: Props) {
  return (
    <section class="card" aria-labelledby="runs-h">
      <h2 id="runs-h">Runs</h2>
      <div class="controls">
        <label>
          status
          <select
            aria-label="filter runs by status"
            value={filter}
            onChange={(e) => onFilter(e.currentTarget.value)}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'all'}
              </option>
            ))}
          </select>
        </label>
        <span class="muted">
          {runs.length} run{runs.length === 1 ? '' : 's'}
        </span>
      </div>
      <table class="grid" data-testid="runs">
        <thead>
          <tr>
            <th>run</th>
            <th>plan</th>
            <th>status</th>
            <th class="num">units done / total</th>
            <th class="num">coverage</th>
            <th>ETA</th>
            <th>owner</th>
            <th>host</th>
            <th>started</th>
            <th>ended</th>
            <th class="num">duration</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr
              key={r.runId}
              class={`clickable${r.runId === selected ? ' selected' : ''}`}
              data-run={r.runId}
            >
              <td>
                <button type="button" aria-label={`open run ${r.runId}`} onClick={() => onOpen(r.runId)}>
                  {r.runId}
                </button>
              </td>
              <td>{r.plan}</td>
              <td>
                <Status value={r.status} />
              </td>
              <td class="num">
                {r.units.done} / {r.units.total}
                {r.units.failed ? ` (${r.units.failed} failed)` : ''}
              </td>
              <td class="num">
                {pct(r.coverage.ratio)} ({r.coverage.present}/{r.coverage.expected})
              </td>
              <td data-k="eta">
                {r.endedAt
                  ? r.status === 'succeeded'
                    ? 'done'
                    : '–'
                  : r.eta.at
                    ? `${time(r.eta.at)} (${duration(r.eta.remainingMs)})`
                    : '–'}
              </td>
              <td>{r.owner ?? '–'}</td>
              <td>{r.host ?? '–'}</td>
              <td>{time(r.startedAt)}</td>
              <td>{time(r.endedAt)}</td>
              <td class="num">{duration(r.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
