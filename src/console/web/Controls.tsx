// Controls: pause, resume, cancel, retry (run, step, partitions or a blocked gate) and approve a gate, each
// with a reason. The console token is typed once and kept in sessionStorage; a refusal shows the server's
// message (the CLI's), and nothing is appended.

import { useState } from 'preact/hooks';
import type { ControlAction, ControlRequest, RunDetail } from '../api-types.js';
import { savedToken, saveToken } from './source.js';

export interface Outcome {
  ok: boolean;
  message: string;
}

interface Props {
  run: RunDetail;
  act: (action: ControlAction, body: ControlRequest) => Promise<Outcome>;
}

export function Message({ outcome }: { outcome: Outcome | null }) {
  return (
    <div role="status" aria-live="polite" data-testid="control-message">
      {outcome && <div class={`message ${outcome.ok ? 'ok' : 'error'}`}>{outcome.message}</div>}
    </div>
  );
}

export function Controls({ run, act }: Props) {
  const [token, setToken] = useState(savedToken());
  const [reason, setReason] = useState('');
  const [gate, setGate] = useState(
    run.gates.find((g) => g.status === 'failed')?.id ?? run.gates[0]?.id ?? '',
  );
  const [step, setStep] = useState('');
  const [parts, setParts] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const go = async (action: ControlAction, extra: ControlRequest = {}) => {
    setBusy(true);
    try {
      setOutcome(await act(action, { reason: reason || undefined, ...extra }));
    } finally {
      setBusy(false);
    }
  };
  const retryBody = (): ControlRequest => {
    const partitions = parts.split(/[\s,]+/).filter(Boolean);
    return { ...(step ? { step } : {}), ...(partitions.length ? { partitions } : {}) };
  };
  return (
    <section class="card" aria-labelledby="controls-h">
      <h2 id="controls-h">Controls</h2>
      <div class="controls">
        <label>
          console token
          <input
            type="password"
            autoComplete="off"
            aria-label="console token"
            value={token}
            onInput={(e) => {
              setToken(e.currentTarget.value);
              saveToken(e.currentTarget.value);
            }}
          />
        </label>
        <label style={{ flex: '1 1 260px' }}>
          reason (recorded in the log)
          <input aria-label="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <button type="button" disabled={busy} onClick={() => go('pause')}>
          ⏸ Pause
        </button>
        <button type="button" disabled={busy} onClick={() => go('resume')}>
          ▶ Resume
        </button>
        <button type="button" disabled={busy} onClick={() => go('cancel')}>
          ■ Cancel
        </button>
      </div>
      <div class="controls" style={{ marginTop: '8px' }}>
        <label>
          step (retry)
          <select aria-label="step to retry" value={step} onChange={(e) => setStep(e.currentTarget.value)}>
            <option value="">every step</option>
            {run.steps.map((s) => (
              <option key={s.id} value={s.id}>
                {s.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          partitions (retry, YYYY-MM-DD …)
          <input
            aria-label="partitions to retry"
            value={parts}
            onInput={(e) => setParts(e.currentTarget.value)}
          />
        </label>
        <button type="button" disabled={busy} onClick={() => go('retry', retryBody())}>
          ↻ Retry failed units
        </button>
        <label>
          gate
          <select
            aria-label="gate to retry or approve"
            value={gate}
            onChange={(e) => setGate(e.currentTarget.value)}
          >
            {run.gates.map((g) => (
              <option key={g.id} value={g.id}>
                {g.id} ({g.status})
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={busy || !gate} onClick={() => go('retry', { gate })}>
          ↻ Re-check gate
        </button>
        <button type="button" disabled={busy || !gate} onClick={() => go('approve', { gate })}>
          ⚑ Approve gate
        </button>
      </div>
      <Message outcome={outcome} />
    </section>
  );
}
