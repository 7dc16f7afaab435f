// Delivers the run's notifications: each NOTIFY_DECIDED (logged with its cause) is POSTed to its webhook,
// retried with backoff, and its fate logged (NOTIFY_SENT / NOTIFY_FAILED). On start it takes up decisions
// the log holds without a result, so a restart neither loses nor repeats one (the log is the outbox).

import {
  decideNotifications,
  decideStalled,
  eventFromRow,
  type NotifyContext,
  type RunEvent,
  type RunSnapshot,
} from '../../machines/index.js';
import { failpoint } from '../engine/failpoints.js';
import type { RunLog } from '../engine/run-log.js';
import { phasedCommand } from '../observe/command-hint.js';

type Decided = Extract<RunEvent, { type: 'NOTIFY_DECIDED' }>;

/** Attempts per notification, and the first wait between them (doubling). */
const ATTEMPTS = Number(process.env.PHASED_NOTIFY_ATTEMPTS ?? 5);
const FIRST_WAIT_MS = Number(process.env.PHASED_NOTIFY_BACKOFF_MS ?? 500);
const TIMEOUT_MS = 10_000;

export class Notifier {
  private readonly pending = new Map<string, Promise<void>>();
  private readonly decidedIds = new Set<string>();
  private lastFinishMs = Date.now();
  private lastFinishSeq = 0;

  /** The command words for the operator (they read the file system: worked out once, when first needed). */
  private cli?: string;

  constructor(private readonly log: RunLog) {}

  private ctx(seq: number): NotifyContext {
    this.cli ??= phasedCommand();
    return { runId: this.log.runId, planName: this.log.plan.name, seq, cli: this.cli };
  }

  /** The follow-up decider: NOTIFY_DECIDED for the targets a logged event concerns (none without targets). */
  decide = (event: RunEvent, _snap: RunSnapshot, seq: number): RunEvent[] =>
    this.log.plan.notify?.length ? decideNotifications(this.log.plan.notify, event, this.ctx(seq)) : [];

  /** Take up decisions logged without a result (a previous driver died between deciding and delivering). */
  async start(): Promise<void> {
    if (!this.log.plan.notify?.length) return;
    const done = new Set<string>();
    const decided: Decided[] = [];
    const types = ['NOTIFY_DECIDED', 'NOTIFY_SENT', 'NOTIFY_FAILED'];
    for (const row of await this.log.store.views.eventsOfTypes(this.log.runId, types, 0, this.log.seq)) {
      const e = eventFromRow(row.type, row.data);
      if (e.type === 'NOTIFY_DECIDED') decided.push(e);
      if (e.type === 'NOTIFY_SENT' || (e.type === 'NOTIFY_FAILED' && e.final)) done.add(e.id);
    }
    for (const d of decided) {
      this.decidedIds.add(d.id);
      if (!done.has(d.id)) this.deliver(d);
    }
  }

  /** Every durable event of the run: new decisions are delivered; completions reset the stall clock. */
  observe(event: RunEvent, seq: number): void {
    if (event.type === 'NOTIFY_DECIDED') {
      this.decidedIds.add(event.id);
      this.deliver(event);
    }
    if (event.type === 'UNIT_SUCCEEDED' || event.type === 'UNIT_FAILED') {
      this.lastFinishMs = Date.now();
      this.lastFinishSeq = seq;
    }
  }

  /** Called by the driver's clock: a `stalled` decision when units run and none finished for long enough. */
  checkStalled(inFlight: number): RunEvent[] {
    return decideStalled(
      this.log.plan.notify,
      { nowMs: Date.now(), lastFinishMs: this.lastFinishMs, inFlight, already: this.decidedIds },
      this.ctx(this.lastFinishSeq),
    );
  }

  /** Wait for every delivery under way (the driver does before it detaches). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending.values()]);
  }

  private deliver(d: Decided): void {
    if (this.pending.has(d.id)) return;
    const p = this.send(d).finally(() => this.pending.delete(d.id));
    this.pending.set(d.id, p);
  }

  private async send(d: Decided): Promise<void> {
    // Let the decision's own commit finish before anything else is appended.
    await new Promise((r) => setImmediate(r));
    failpoint('after-notify-decided');
    let wait = FIRST_WAIT_MS;
    for (let attempt = 1; ; attempt++) {
      let error: string;
      try {
        const res = await fetch(d.target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `${this.log.runId}/${d.id}` },
          body: JSON.stringify(d.body),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          await this.log.commit([
            {
              type: 'NOTIFY_SENT',
              id: d.id,
              trigger: d.trigger,
              target: d.target,
              attempt,
              status: res.status,
            },
          ]);
          return;
        }
        error = `HTTP ${res.status}`;
      } catch (err) {
        error = (err as Error).message;
      }
      const final = attempt >= ATTEMPTS;
      await this.log.commit([
        { type: 'NOTIFY_FAILED', id: d.id, trigger: d.trigger, target: d.target, attempt, error, final },
      ]);
      if (final) return;
      await new Promise((r) => setTimeout(r, wait));
      wait *= 2;
    }
  }
}
