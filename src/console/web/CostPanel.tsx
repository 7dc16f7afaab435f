// Cost and pace on the run page: the run's ETA (as `status` computes it), the budget with what counts against
// it and, when the run is paused by it, the figures and the command that raises it; then the estimate of the
// run's units (as `phased run --dry-run` prints it), fetched once from the live server.

import { useEffect, useState } from 'preact/hooks';
import type { EstimateResponse, RunDetail } from '../api-types.js';
import { bytes, etaText } from './bits.js';
import type { DataSource } from './source.js';

const usd = (n: number | undefined) => (n === undefined ? '–' : `$${n.toFixed(n < 1 ? 4 : 2)}`);

function Budget({ run }: { run: RunDetail }) {
  const b = run.budget;
  return (
    <div data-testid="budget" data-max={b.maxBytesBilled ?? ''} data-billed={b.bytesBilled}>
      <h3>Budget (bytes billed)</h3>
      {b.maxBytesBilled === null && b.bytesBilled === 0 ? (
        <p class="muted">no budget set (plan key budget.maxBytesBilled or --max-bytes-billed)</p>
      ) : (
        <table class="grid" aria-label="budget">
          <tbody>
            <tr>
              <th>maximum</th>
              <td class="num" data-k="max">
                {b.maxBytesBilled === null ? 'none' : bytes(b.maxBytesBilled)}
              </td>
            </tr>
            <tr>
              <th>billed so far</th>
              <td class="num" data-k="billed">
                {bytes(b.bytesBilled)}
              </td>
            </tr>
            <tr>
              <th>running jobs' estimates</th>
              <td class="num" data-k="running">
                {bytes(b.runningEstimate)}
              </td>
            </tr>
            <tr>
              <th>remaining</th>
              <td class="num" data-k="remaining">
                {b.remaining === null ? '–' : bytes(b.remaining)}
              </td>
            </tr>
          </tbody>
        </table>
      )}
      {b.pause && (
        <div class="message error" role="alert" data-testid="budget-pause" data-seq={b.pause.seq}>
          <p>{b.pause.message}</p>
          <p>
            raise it: <code data-testid="budget-command">{b.pause.command}</code>
          </p>
        </div>
      )}
    </div>
  );
}

function EstimateTable({ e }: { e: EstimateResponse }) {
  const est = e.estimate;
  if (!est)
    return (
      <p class="muted" data-testid="estimate-error">
        not available: {e.error}
      </p>
    );
  const bq = e.kind === 'bytes';
  return (
    <>
      <p>
        {bq
          ? `BigQuery dry runs, on-demand price $${est.pricePerTiB} per TiB`
          : 'measured on this SQLite warehouse from the baseline (rows and seconds, not billed)'}
        {est.sampled
          ? ` · sampled: up to ${est.sampleSize} partitions per step`
          : ' · every partition measured'}
      </p>
      <table class="grid" aria-label="estimate per step" data-testid="estimate-table">
        <thead>
          <tr>
            <th>step</th>
            <th class="num">units</th>
            <th class="num">sample</th>
            {bq ? (
              <>
                <th class="num">bytes per unit</th>
                <th class="num">bytes</th>
                <th class="num">cost</th>
              </>
            ) : (
              <>
                <th class="num">rows (measured)</th>
                <th class="num">seconds (measured)</th>
              </>
            )}
            <th>basis</th>
          </tr>
        </thead>
        <tbody>
          {est.steps.map((s) => (
            <tr key={s.step} data-step={s.step} data-bytes={s.bytes ?? ''} data-units={s.units}>
              <td>{s.step}</td>
              <td class="num">{s.units}</td>
              <td class="num">{s.sample ? `${s.sample.size} of ${s.sample.of}` : '–'}</td>
              {bq ? (
                <>
                  <td class="num">{bytes(s.bytesPerUnit)}</td>
                  <td class="num">{bytes(s.bytes)}</td>
                  <td class="num">{usd(s.cost)}</td>
                </>
              ) : (
                <>
                  <td class="num">{s.rows ?? '–'}</td>
                  <td class="num">{s.seconds === undefined ? '–' : s.seconds.toFixed(3)}</td>
                </>
              )}
              <td class="muted">{s.basis}</td>
            </tr>
          ))}
          <tr data-testid="estimate-total" data-bytes={est.bytes ?? ''} data-cost={est.cost ?? ''}>
            <th colSpan={3}>all steps</th>
            {bq ? (
              <>
                <th />
                <th class="num">{bytes(est.bytes)}</th>
                <th class="num">{usd(est.cost)}</th>
              </>
            ) : (
              <>
                <th class="num">{est.rows ?? '–'}</th>
                <th class="num">{est.seconds === undefined ? '–' : est.seconds.toFixed(3)}</th>
              </>
            )}
            <th />
          </tr>
        </tbody>
      </table>
      <p class="muted">not estimated: {est.notEstimated.join('; ')}</p>
    </>
  );
}

/** The estimates the log records as units start (the budget guard's dry run of each unit). */
function Recorded({ e }: { e: EstimateResponse }) {
  if (e.recorded.length === 0) return null;
  return (
    <table class="grid" aria-label="estimates recorded as units started" data-testid="estimate-recorded">
      <caption>recorded in the log as units started (each unit's dry run, bytes billed)</caption>
      <thead>
        <tr>
          <th>step</th>
          <th class="num">units started</th>
          <th class="num">estimated bytes billed</th>
        </tr>
      </thead>
      <tbody>
        {e.recorded.map((r) => (
          <tr key={r.step} data-step={r.step} data-bytes={r.estimatedBytes} data-units={r.units}>
            <td>{r.step}</td>
            <td class="num">{r.units}</td>
            <td class="num">{bytes(r.estimatedBytes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CostPanel({ source, run }: { source: DataSource; run: RunDetail }) {
  const [estimate, setEstimate] = useState<EstimateResponse | null | 'loading'>('loading');
  const [error, setError] = useState<string | null>(null);
  const hasBaseline = run.steps.some((s) => s.baseline !== null);
  useEffect(() => {
    if (!hasBaseline) return;
    let live = true;
    source.estimate(run.runId).then(
      (e) => live && setEstimate(e),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [source, run.runId, hasBaseline]);
  return (
    <section class="card" aria-labelledby="cost-h" data-testid="cost">
      <h2 id="cost-h">Cost and pace</h2>
      <p data-testid="run-eta" data-seconds={run.runEta.seconds ?? ''} data-remaining={run.runEta.remaining}>
        run ETA (recent pace): <b>{etaText(run.runEta.seconds)}</b> for {run.runEta.remaining} units left
      </p>
      <Budget run={run} />
      <div data-testid="estimate">
        <h3>Estimate of the run's units</h3>
        {error ? (
          <p role="alert">estimate: {error}</p>
        ) : estimate === 'loading' ? (
          <p class="muted">{hasBaseline ? 'estimating…' : 'after the baseline is recorded'}</p>
        ) : estimate === null ? (
          <p class="muted">not in this report (the live console computes it)</p>
        ) : (
          <>
            <EstimateTable e={estimate} />
            <Recorded e={estimate} />
          </>
        )}
      </div>
    </section>
  );
}
