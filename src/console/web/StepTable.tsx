// Per-step counters (done, failed, pending, total: the machine's, as `status --json` shows them), with
// running and retrying from the units projection when known, and the baseline before the run.

import type { StepView } from '../api-types.js';
import { etaText } from './bits.js';

type Row = Pick<StepView, 'id' | 'phase' | 'table' | 'total' | 'done' | 'failed' | 'pending'> &
  Partial<StepView>;

export function StepTable({ steps, label }: { steps: Row[]; label: string }) {
  const sum = (k: 'total' | 'done' | 'failed' | 'pending') => steps.reduce((a, s) => a + s[k], 0);
  return (
    <table class="grid" aria-label={label} data-testid="step-table">
      <thead>
        <tr>
          <th>phase</th>
          <th>step</th>
          <th>table</th>
          <th class="num">done</th>
          <th class="num">failed</th>
          <th class="num">pending</th>
          <th class="num">total</th>
          <th class="num">running</th>
          <th class="num">retrying</th>
          <th class="num">before the run</th>
          <th class="num">concurrency (now of cap)</th>
          <th class="num">ETA</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((s) => (
          <tr key={s.id} data-step={s.id}>
            <td>{s.phase}</td>
            <td>{s.id}</td>
            <td>{s.table}</td>
            <td class="num" data-k="done">
              {s.done}
            </td>
            <td class="num" data-k="failed">
              {s.failed}
            </td>
            <td class="num" data-k="pending">
              {s.pending}
            </td>
            <td class="num" data-k="total">
              {s.total}
            </td>
            <td class="num">{s.running ?? '–'}</td>
            <td class="num">{s.retrying ?? '–'}</td>
            <td class="num">{s.baseline ? `${s.baseline.present}/${s.baseline.expected}` : '–'}</td>
            <td class="num" data-k="concurrency" data-limit={s.concurrencyLimit} data-cap={s.concurrency}>
              {s.concurrencyLimit === undefined ? '–' : `${s.concurrencyLimit} of ${s.concurrency}`}
            </td>
            <td
              class="num"
              data-k="eta"
              data-seconds={s.eta?.seconds ?? ''}
              data-remaining={s.eta?.remaining}
            >
              {!s.eta
                ? '–'
                : s.eta.remaining > 0
                  ? `${etaText(s.eta.seconds)} (${s.eta.remaining} left)`
                  : s.failed > 0
                    ? '–'
                    : 'done'}
            </td>
          </tr>
        ))}
        <tr>
          <th colSpan={3}>all steps</th>
          <th class="num">{sum('done')}</th>
          <th class="num">{sum('failed')}</th>
          <th class="num">{sum('pending')}</th>
          <th class="num">{sum('total')}</th>
          <th colSpan={5} />
        </tr>
      </tbody>
    </table>
  );
}
