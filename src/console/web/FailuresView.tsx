// Failures: failed and retrying units grouped by error code, with message, attempts, job id or log path,
// and one click to retry a step or a single partition (the reason typed above is recorded).

import { useState } from 'preact/hooks';
import type { ControlAction, ControlRequest, FailureGroup } from '../api-types.js';
import { time } from './bits.js';
import { Message, type Outcome } from './Controls.js';
import { CELL_STYLE } from './palette.js';

interface Props {
  groups: FailureGroup[];
  live: boolean;
  act: (action: ControlAction, body: ControlRequest) => Promise<Outcome>;
}

export function FailuresView({ groups, live, act }: Props) {
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const retry = async (body: ControlRequest) =>
    setOutcome(await act('retry', { reason: reason || 'retried from the console', ...body }));
  if (groups.length === 0)
    return (
      <section class="card" data-testid="failures">
        <h2>Failures</h2>
        <p>no failed or retrying units</p>
      </section>
    );
  return (
    <div data-testid="failures">
      {live && (
        <div class="controls" style={{ marginBottom: '8px' }}>
          <label style={{ flex: '1 1 400px' }}>
            reason for retries
            <input
              aria-label="reason for retries"
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </label>
          <Message outcome={outcome} />
        </div>
      )}
      {groups.map((g) => (
        <section class="card" key={g.code} data-code={g.code} aria-labelledby={`fail-${g.code}`}>
          <h2 id={`fail-${g.code}`}>
            {g.code}: {g.count} units ({g.failed} failed, {g.retrying} waiting to retry) in{' '}
            {g.steps.join(', ')}
          </h2>
          {live && (
            <div class="controls" style={{ marginBottom: '6px' }}>
              {g.steps.map((s) => (
                <button
                  type="button"
                  key={s}
                  onClick={() => retry({ step: s })}
                  aria-label={`retry failed units of step ${s}`}
                >
                  ↻ Retry step {s}
                </button>
              ))}
            </div>
          )}
          <table class="grid">
            <thead>
              <tr>
                <th>step</th>
                <th>partition</th>
                <th>state</th>
                <th class="num">attempts</th>
                <th>message</th>
                <th>job / log</th>
                <th>next attempt</th>
                {live && <th>retry</th>}
              </tr>
            </thead>
            <tbody>
              {g.units.map((u) => (
                <tr key={`${u.step}/${u.partition}`}>
                  <td>{u.step}</td>
                  <td class="mono">{u.partition}</td>
                  <td>
                    {CELL_STYLE[u.status].glyph} {CELL_STYLE[u.status].label}
                  </td>
                  <td class="num">{u.attempts}</td>
                  <td>{u.message}</td>
                  <td class="mono">{u.jobRef ?? '–'}</td>
                  <td>{u.retryAt ? time(u.retryAt) : '–'}</td>
                  {live && (
                    <td>
                      <button
                        type="button"
                        aria-label={`retry ${u.step} ${u.partition}`}
                        onClick={() => retry({ step: u.step, partitions: [u.partition] })}
                        disabled={u.status !== 'failed'}
                      >
                        ↻ Retry
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {g.units.length < g.count && (
            <p class="muted">
              showing {g.units.length} of {g.count}
            </p>
          )}
        </section>
      ))}
    </div>
  );
}
