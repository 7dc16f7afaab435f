// The audit tab: human actions with their reasons, the plan hash and accepted plan changes, the chain's
// verification, time travel and the filterable event log.

import type { MachineDefinition, RunDetail } from '../api-types.js';
import { ChainCheck, EventLog, TimeTravel } from './AuditView.js';
import { time } from './bits.js';
import type { DataSource, EventQuery } from './source.js';

interface Props {
  source: DataSource;
  runId: string;
  detail: RunDetail;
  machine: MachineDefinition;
  width: number;
  filter: EventQuery;
  onFilter: (q: EventQuery) => void;
}

export function AuditView({ source, runId, detail, machine, width, filter, onFilter }: Props) {
  return (
    <div data-testid="audit">
      <ChainCheck source={source} runId={runId} />
      <section class="card" aria-labelledby="plan-h">
        <h2 id="plan-h">Plan</h2>
        <p>
          plan {detail.plan}, hash{' '}
          <code class="hash" data-testid="plan-hash">
            {detail.planHash}
          </code>
          , range {detail.range.start} … {detail.range.end}, refill {detail.refill}, warehouse{' '}
          {detail.warehouse}
        </p>
        {detail.planChanges.length === 0 ? (
          <p>no plan change accepted</p>
        ) : (
          <ul>
            {detail.planChanges.map((c) => (
              <li key={c.seq}>
                seq {c.seq} ({time(c.at)}) by {c.by}: {c.oldHash.slice(0, 12)} → {c.newHash.slice(0, 12)}:{' '}
                {c.changes.join('; ')}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="human-h">
        <h2 id="human-h">Human actions</h2>
        {detail.humanActions.length === 0 ? (
          <p>none</p>
        ) : (
          <table class="grid" data-testid="human-actions">
            <thead>
              <tr>
                <th class="num">seq</th>
                <th>time</th>
                <th>action</th>
                <th>by</th>
                <th>reason</th>
                <th>subject</th>
              </tr>
            </thead>
            <tbody>
              {detail.humanActions.map((h) => (
                <tr key={h.seq} data-type={h.type}>
                  <td class="num">{h.seq}</td>
                  <td>{time(h.at)}</td>
                  <td>{h.type}</td>
                  <td>{h.by}</td>
                  <td>{h.reason ?? ''}</td>
                  <td>
                    {[h.gate && `gate ${h.gate}`, h.step && `step ${h.step}`, h.partitions?.join(' ')]
                      .filter(Boolean)
                      .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <TimeTravel
        source={source}
        runId={runId}
        headSeq={detail.headSeq}
        steps={detail.steps.map((s) => s.id)}
        machine={machine}
        width={width}
        filter={filter}
        onFilter={onFilter}
      />
      <EventLog source={source} runId={runId} filter={filter} onFilter={onFilter} />
    </div>
  );
}
