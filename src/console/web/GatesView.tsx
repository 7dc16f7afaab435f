// Gates: each gate's report (per table expected, present, coverage, missing and short; notNull rates;
// checks), its threshold and verdict, errors, and every decision with who and why (overrides included).

import { isMeasured } from '../../../machines/report.js';
import type { GateView } from '../api-types.js';
import { pct, Status, time } from './bits.js';

export function GatesView({ gates }: { gates: GateView[] }) {
  if (gates.length === 0) return <p>no gates</p>;
  return (
    <div data-testid="gates">
      {gates.map((g) => (
        <section class="card" key={g.id} aria-labelledby={`gate-${g.id}`} data-gate={g.id}>
          <h2 id={`gate-${g.id}`}>
            gate {g.id} (phase {g.phase}): <Status value={g.status} />
            {g.report ? ` · threshold ${pct(g.report.minCoverage)} coverage` : ''}
          </h2>
          {g.reason && <p>override reason: {g.reason}</p>}
          {g.report?.error && (
            <p class="message error" role="alert">
              error: {g.report.error}
            </p>
          )}
          {g.report && (
            <table class="grid">
              <thead>
                <tr>
                  <th>table</th>
                  <th class="num">expected</th>
                  <th class="num">present</th>
                  <th class="num">coverage</th>
                  <th class="num">missing</th>
                  <th class="num">short</th>
                  <th>verdict</th>
                  <th>first missing</th>
                </tr>
              </thead>
              <tbody>
                {g.report.tables.map((t) =>
                  isMeasured(t) ? (
                    <tr key={t.step}>
                      <td>{t.table}</td>
                      <td class="num">{t.expected}</td>
                      <td class="num">{t.present}</td>
                      <td class="num">{pct(t.coverage)}</td>
                      <td class="num">{t.missing}</td>
                      <td class="num">{t.short}</td>
                      <td>
                        <Status value={t.ok ? 'passed' : 'failed'} />
                      </td>
                      <td class="mono">{t.missingSample.join(' ')}</td>
                    </tr>
                  ) : (
                    <tr key={t.step}>
                      <td>{t.table}</td>
                      <td class="num">{t.expected ?? '–'}</td>
                      <td colspan={4}>query error: {t.error}</td>
                      <td>
                        <Status value="failed" />
                      </td>
                      <td />
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          )}
          {g.report && g.report.notNull.length > 0 && (
            <table class="grid" style={{ marginTop: '8px' }}>
              <thead>
                <tr>
                  <th>notNull</th>
                  <th class="num">rows</th>
                  <th class="num">nulls</th>
                  <th class="num">rate</th>
                  <th class="num">max</th>
                  <th>verdict</th>
                </tr>
              </thead>
              <tbody>
                {g.report.notNull.map((n) => (
                  <tr key={`${n.table}.${n.column}`}>
                    <td>
                      {n.table}.{n.column}
                      {n.where ? ` where ${n.where}` : ''}
                      {n.error ? ` — error: ${n.error}` : ''}
                    </td>
                    <td class="num">{n.error === undefined ? n.rows : '–'}</td>
                    <td class="num">{n.error === undefined ? n.nulls : '–'}</td>
                    <td class="num">{n.error === undefined ? pct(n.rate) : 'error'}</td>
                    <td class="num">{pct(n.maxRate)}</td>
                    <td>
                      <Status value={n.ok ? 'passed' : 'failed'} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {g.report && g.report.checks.length > 0 && (
            <ul>
              {g.report.checks.map((c) => (
                <li key={c.name}>
                  <Status value={c.ok ? 'passed' : 'failed'} /> {c.name}
                  {c.detail ? `: ${c.detail}` : ''}
                  {c.error ? ` (error: ${c.error})` : ''}
                </li>
              ))}
            </ul>
          )}
          {g.history.length > 0 && (
            <table class="grid" style={{ marginTop: '8px' }} aria-label={`decisions on gate ${g.id}`}>
              <thead>
                <tr>
                  <th>seq</th>
                  <th>time</th>
                  <th>decision</th>
                  <th>by</th>
                  <th>reason / error</th>
                </tr>
              </thead>
              <tbody>
                {g.history.map((h) => (
                  <tr key={h.seq}>
                    <td class="num">{h.seq}</td>
                    <td>{time(h.at)}</td>
                    <td>{h.type}</td>
                    <td>{h.by ?? ''}</td>
                    <td>{h.reason ?? h.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </div>
  );
}
