// The daemon's live page: runs, the selected run's statechart (active states), a coverage heatmap per
// table × date from the units projection, and the event timeline. Self-contained: polls the JSON API.

export const DASHBOARD_HTML = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>phased</title>
<style>
body{font:13px system-ui,sans-serif;margin:16px;color:#222}
table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #eee}
tr.run{cursor:pointer}tr.sel{background:#eef}
.grid{display:grid;gap:1px}.cell{width:8px;height:12px}
.succeeded{background:#3a3}.failed{background:#d33}.started{background:#fc3}.pending{background:#ddd}
.tree ul{margin:0;padding-left:16px}.leaf{color:#36c}
pre{background:#f6f6f6;padding:6px;max-height:320px;overflow:auto}
</style></head><body>
<h2>phased</h2>
<table id="runs"><thead><tr><th>run</th><th>plan</th><th>status</th><th>progress</th><th>created</th><th>owner</th></tr></thead><tbody></tbody></table>
<h3 id="title"></h3>
<div style="display:flex;gap:32px;flex-wrap:wrap">
 <div><h4>statechart (active)</h4><div id="tree" class="tree"></div></div>
 <div><h4>coverage: table × date</h4><div id="heat"></div></div>
</div>
<h4>timeline</h4><pre id="events"></pre>
<script>
let sel = null;
const esc = (s) => String(s).replace(/[&<>]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;'})[c]);
function tree(v) {
  if (typeof v === 'string') return '<span class="leaf">' + esc(v) + '</span>';
  return '<ul>' + Object.entries(v).map(([k, c]) => '<li>' + esc(k) + (typeof c === 'string' ? ': ' : '') + tree(c) + '</li>').join('') + '</ul>';
}
async function get(p) { const r = await fetch(p); return r.json(); }
async function refresh() {
  const runs = await get('/api/runs');
  if (!sel && runs.length) sel = runs[runs.length - 1].runId;
  document.querySelector('#runs tbody').innerHTML = runs.map((r) =>
    '<tr class="run' + (r.runId === sel ? ' sel' : '') + '" data-id="' + esc(r.runId) + '"><td>' + esc(r.runId) + '</td><td>' + esc(r.plan) +
    '</td><td>' + esc(r.status) + '</td><td>' + esc(r.progress) + '</td><td>' + esc(r.createdAt) + '</td><td>' + esc(r.owner || '-') + '</td></tr>').join('');
  for (const tr of document.querySelectorAll('tr.run')) tr.onclick = () => { sel = tr.dataset.id; refresh(); };
  if (!sel) return;
  const [v, units, events] = await Promise.all([get('/api/runs/' + sel), get('/api/runs/' + sel + '/units'), get('/api/runs/' + sel + '/events')]);
  document.getElementById('title').textContent = v.runId + ' · ' + v.status + ' · ' + v.events + ' events';
  document.getElementById('tree').innerHTML = tree(v.state);
  const dates = [...new Set(units.map((u) => u.partition))].sort();
  const col = new Map(dates.map((d, i) => [d, i]));
  const steps = [...new Set(units.map((u) => u.step))];
  document.getElementById('heat').innerHTML = steps.map((s) => {
    const cells = new Array(dates.length).fill('<div class="cell"></div>');
    for (const u of units) if (u.step === s) cells[col.get(u.partition)] = '<div class="cell ' + u.status + '" title="' + esc(s + ' ' + u.partition + ' ' + u.status) + '"></div>';
    return '<div style="display:flex;align-items:center;gap:6px"><span style="width:160px">' + esc(s) + '</span><div class="grid" style="grid-template-columns:repeat(' + dates.length + ',8px)">' + cells.join('') + '</div></div>';
  }).join('') + (dates.length ? '<div>' + esc(dates[0]) + ' … ' + esc(dates[dates.length - 1]) + '</div>' : '');
  document.getElementById('events').textContent = events.slice().reverse().map((e) => e.at + '  ' + e.seq + '  ' + e.type + '  ' + JSON.stringify(e.data).slice(0, 160)).join('\\n');
}
refresh(); setInterval(refresh, 2000);
</script></body></html>`;
