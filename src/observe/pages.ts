// Reading a run's log a page at a time through the store interface: one round trip per page and no await per
// event, so a long scan stays fast and its memory bounded. Owns no query; the store's readEvents does.

import type { EventStore, StoredEvent } from '../../store/index.js';

/** Events read per page: bounded memory, few round trips. */
export const READ_PAGE = 1000;

/** The run's events in [fromSeq, toSeq], in seq order, as pages of at most `pageSize`. */
export async function* eventPages(
  store: EventStore,
  runId: string,
  opts: { fromSeq?: number; toSeq?: number; pageSize?: number } = {},
): AsyncGenerator<StoredEvent[]> {
  const size = opts.pageSize ?? READ_PAGE;
  const to = opts.toSeq ?? Number.MAX_SAFE_INTEGER;
  let from = Math.max(1, opts.fromSeq ?? 1);
  while (from <= to) {
    const page = await store.readEvents(runId, from, Math.min(size, to - from + 1));
    if (page.length === 0) return;
    yield page;
    if (page.length < Math.min(size, to - from + 1)) return;
    from = page[page.length - 1].seq + 1;
  }
}

/** The one event at `seq`, if the run has it. */
export async function eventAt(
  store: EventStore,
  runId: string,
  seq: number,
): Promise<StoredEvent | undefined> {
  const [e] = await store.readEvents(runId, seq, 1);
  return e?.seq === seq ? e : undefined;
}
