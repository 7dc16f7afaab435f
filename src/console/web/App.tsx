// The console's shell: the header, the runs list (live pages), and the chosen run's page. The location hash
// (#run=ID&tab=VIEW) keeps the choice across reloads and makes every view linkable.

import { useEffect, useState } from 'preact/hooks';
import type { RunListItem } from '../api-types.js';
import { RunPage, TABS, type Tab } from './RunPage.js';
import { RunsView } from './RunsView.js';
import type { DataSource } from './source.js';

function readHash(): { run: string | null; tab: Tab } {
  const p = new URLSearchParams(location.hash.slice(1));
  const tab = p.get('tab') as Tab | null;
  return { run: p.get('run'), tab: tab && TABS.includes(tab) ? tab : 'overview' };
}

function pageWidth(): number {
  return Math.min(1400, document.documentElement.clientWidth) - 32 - 26;
}

export function App({ source, title }: { source: DataSource; title: string }) {
  const [route, setRoute] = useState(readHash());
  const [runs, setRuns] = useState<RunListItem[]>([]);
  const [filter, setFilter] = useState('');
  const [width, setWidth] = useState(pageWidth());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const onHash = () => setRoute(readHash());
    const onResize = () => setWidth(pageWidth());
    addEventListener('hashchange', onHash);
    addEventListener('resize', onResize);
    return () => {
      removeEventListener('hashchange', onHash);
      removeEventListener('resize', onResize);
    };
  }, []);

  useEffect(() => {
    source.runs(filter || undefined).then(
      (r) => {
        setRuns(r);
        if (!readHash().run && r.length && !source.live) go(r[0].runId, 'overview');
      },
      (e: Error) => setError(e.message),
    );
  }, [source, filter, route.run]);

  const go = (run: string | null, tab: Tab) => {
    location.hash = run ? `run=${encodeURIComponent(run)}&tab=${tab}` : '';
    setRoute({ run, tab });
  };

  return (
    <>
      <header class="top">
        <h1>
          <button
            type="button"
            style={{ color: '#fff', background: 'none', border: 'none', font: 'inherit' }}
            onClick={() => go(null, 'overview')}
          >
            {title}
          </button>
        </h1>
        <span class="meta">{source.live ? 'live console' : 'audit report (offline)'}</span>
      </header>
      <main>
        {error && <p role="alert">{error}</p>}
        {(source.live && !route.run) || !route.run ? (
          <RunsView
            runs={runs}
            filter={filter}
            onFilter={setFilter}
            selected={route.run}
            onOpen={(id) => go(id, 'overview')}
          />
        ) : (
          <>
            {source.live && (
              <p>
                <button type="button" onClick={() => go(null, 'overview')}>
                  ← all runs
                </button>
              </p>
            )}
            <RunPage
              source={source}
              runId={route.run}
              tab={route.tab}
              onTab={(t) => go(route.run, t)}
              width={width}
            />
          </>
        )}
      </main>
    </>
  );
}
