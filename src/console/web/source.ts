// Where the console's data comes from: the live server (HTTP + Server-Sent Events) or a report's embedded
// JSON. Views call only this interface, so the page and the offline report are the same code.

import type {
  AtSeqView,
  ControlAction,
  ControlRequest,
  ControlResponse,
  CoverageMatrix,
  EstimateResponse,
  EventsPage,
  MachineDefinition,
  RunDetail,
  RunListItem,
  StreamHead,
  TimelineResponse,
  UnitsResponse,
  VerifyView,
} from '../api-types.js';

export interface EventQuery {
  from?: number;
  to?: number;
  type?: string;
  step?: string;
  partition?: string;
  limit?: number;
}

export interface ActResult {
  ok: boolean;
  status: number;
  message: string;
  response?: ControlResponse;
}

export interface Subscription {
  stop(): void;
}

export interface DataSource {
  /** True for the live server (controls and streaming); false for a report. */
  readonly live: boolean;
  runs(status?: string): Promise<RunListItem[]>;
  run(id: string): Promise<RunDetail>;
  machine(id: string): Promise<MachineDefinition>;
  coverage(id: string): Promise<CoverageMatrix>;
  /** Coverage before the run did anything (as of its baseline), when known. */
  coverageBefore(id: string): Promise<CoverageMatrix | null>;
  timeline(id: string): Promise<TimelineResponse>;
  /** The run's cost estimate (the live server computes it; a report has only what the log records). */
  estimate(id: string): Promise<EstimateResponse | null>;
  events(id: string, q: EventQuery): Promise<EventsPage>;
  units(id: string, q: { step?: string; partition?: string; status?: string }): Promise<UnitsResponse>;
  at(id: string, seq: number): Promise<AtSeqView>;
  verify(id: string): Promise<VerifyView>;
  subscribe(
    id: string,
    from: number,
    on: { event: (e: EventsPage['events'][number]) => void; head: (h: StreamHead) => void },
  ): Subscription;
  act(id: string, action: ControlAction, body: ControlRequest): Promise<ActResult>;
}

const TOKEN_KEY = 'phased-console-token';

export function savedToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveToken(token: string): void {
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // storage refused (a private window): the token lives only until reload
  }
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${path}: HTTP ${res.status}`);
  return body;
}

const enc = encodeURIComponent;

function query(q: Record<string, string | number | undefined>): string {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${enc(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** The live server: JSON routes of DESIGN §8, SSE for increments. */
export class HttpSource implements DataSource {
  readonly live = true;
  async runs(status?: string) {
    return getJson<RunListItem[]>(`/api/runs${query({ status })}`);
  }
  run(id: string) {
    return getJson<RunDetail>(`/api/runs/${enc(id)}`);
  }
  estimate(id: string) {
    return getJson<EstimateResponse>(`/api/runs/${enc(id)}/estimate`);
  }
  machine(id: string) {
    return getJson<MachineDefinition>(`/api/runs/${enc(id)}/machine`);
  }
  coverage(id: string) {
    return getJson<CoverageMatrix>(`/api/runs/${enc(id)}/coverage`);
  }
  async coverageBefore(id: string) {
    const page = await this.events(id, { type: 'BASELINE_RECORDED', limit: 1 });
    const seq = page.events[0]?.seq;
    return seq ? (await this.at(id, seq)).coverage : null;
  }
  timeline(id: string) {
    return getJson<TimelineResponse>(`/api/runs/${enc(id)}/timeline`);
  }
  events(id: string, q: EventQuery) {
    return getJson<EventsPage>(`/api/runs/${enc(id)}/events${query({ ...q })}`);
  }
  units(id: string, q: { step?: string; partition?: string; status?: string }) {
    return getJson<UnitsResponse>(`/api/runs/${enc(id)}/units${query(q)}`);
  }
  at(id: string, seq: number) {
    return getJson<AtSeqView>(`/api/runs/${enc(id)}/at/${seq}`);
  }
  verify(id: string) {
    return getJson<VerifyView>(`/api/runs/${enc(id)}/verify`);
  }
  subscribe(
    id: string,
    from: number,
    on: { event: (e: EventsPage['events'][number]) => void; head: (h: StreamHead) => void },
  ): Subscription {
    const es = new EventSource(`/api/runs/${enc(id)}/stream?from=${from}`);
    es.addEventListener('event', (m) => on.event(JSON.parse((m as MessageEvent).data)));
    es.addEventListener('head', (m) => on.head(JSON.parse((m as MessageEvent).data)));
    return { stop: () => es.close() };
  }
  async act(id: string, action: ControlAction, body: ControlRequest): Promise<ActResult> {
    const res = await fetch(`/api/runs/${enc(id)}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${savedToken()}` },
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as ControlResponse & { error?: string };
    if (!res.ok) return { ok: false, status: res.status, message: json.error ?? `HTTP ${res.status}` };
    return {
      ok: true,
      status: res.status,
      message: `${json.appended.join(', ')} appended (seq ${json.seqs.join(', ')})${json.hint ? `; ${json.hint}` : ''}`,
      response: json,
    };
  }
}
