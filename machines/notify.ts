// Which notifications an event calls for, and their Slack-compatible bodies: gate_blocked, run_failed,
// run_succeeded, budget_paused (from logged events) and stalled (from the driver's clock, passed in). Pure:
// the decision is logged (NOTIFY_DECIDED) in the same transaction as its cause; src/notify/ delivers it.

import type { NotifySpec, NotifyTrigger } from './cost-plan.js';
import type { RunEvent } from './events.js';

/** `stalled` fires after this long without a unit finishing, unless a target sets `stalledAfter`. */
export const DEFAULT_STALLED_AFTER_MS = 30 * 60_000;

export interface NotifyContext {
  runId: string;
  planName: string;
  /** The seq the cause has (or, for `stalled`, the seq of the last completion): ids are unique per run. */
  seq: number;
  /** The CLI's name as users type it (`phased`, `npx phased`). */
  cli: string;
}

type Decided = Extract<RunEvent, { type: 'NOTIFY_DECIDED' }>;

function triggerOf(event: RunEvent): { trigger: NotifyTrigger; what: string; act: string } | undefined {
  switch (event.type) {
    case 'GATE_FAILED':
      return {
        trigger: 'gate_blocked',
        what: `gate ${event.gate} blocked the run`,
        act: `approve RUN --gate ${event.gate} --reason TEXT  (or fix the data and: retry RUN --gate ${event.gate})`,
      };
    case 'RUN_FAILED':
      return {
        trigger: 'run_failed',
        what: `the run failed: ${event.reason}`,
        act: 'status RUN, then resume RUN',
      };
    case 'PREREQS_FAILED': {
      const bad = event.checks.filter((c) => !c.ok || c.error).map((c) => c.name);
      return {
        trigger: 'run_failed',
        what: `prerequisites failed: ${bad.join(', ')}`,
        act: 'status RUN, then resume RUN once they hold',
      };
    }
    case 'RUN_SUCCEEDED':
      return { trigger: 'run_succeeded', what: 'the run succeeded', act: 'report RUN -o report.html' };
    case 'PAUSED': {
      if (!event.budget) return undefined;
      const b = event.budget;
      const needed = b.bytesBilled + b.runningEstimate + b.next.estimatedBytes;
      return {
        trigger: 'budget_paused',
        what: `paused by its budget: ${b.bytesBilled} bytes billed of ${b.maxBytesBilled}; step ${b.next.step} partition ${b.next.partition} would add ${b.next.estimatedBytes}`,
        act: `resume RUN --max-bytes-billed ${needed}`,
      };
    }
    default:
      return undefined;
  }
}

/** The Slack-compatible body: `text` (the fallback every webhook shows) and one mrkdwn section. */
export function notifyBody(ctx: NotifyContext, trigger: NotifyTrigger, what: string, act: string) {
  const command = `${ctx.cli} ${act.replaceAll('RUN', ctx.runId)}`;
  const text = `phased run ${ctx.runId} (${ctx.planName}): ${what}. Next: \`${command}\``;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*phased* run \`${ctx.runId}\` (${ctx.planName}) — ${trigger}\n${what}`,
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: `Next: \`${command}\`` } },
    ],
  };
}

function decided(
  targets: NotifySpec[],
  ctx: NotifyContext,
  t: ReturnType<typeof triggerOf>,
  when: (target: NotifySpec) => boolean = () => true,
): Decided[] {
  if (!t) return [];
  const out: Decided[] = [];
  // Ids carry the target's index in the plan, so a filter never makes two targets share one.
  targets.forEach((target, i) => {
    if (!target.on.includes(t.trigger) || !when(target)) return;
    out.push({
      type: 'NOTIFY_DECIDED',
      id: `${t.trigger}@${ctx.seq}#${i}`,
      trigger: t.trigger,
      target: target.webhook,
      body: notifyBody(ctx, t.trigger, t.what, t.act),
    });
  });
  return out;
}

/** NOTIFY_DECIDED for each target that asked for the trigger `event` is. */
export function decideNotifications(
  targets: NotifySpec[] | undefined,
  event: RunEvent,
  ctx: NotifyContext,
): Decided[] {
  if (!targets || targets.length === 0) return [];
  return decided(targets, ctx, triggerOf(event));
}

/**
 * `stalled`: units are in flight and none finished for a target's `stalledAfter`. Once per stall (keyed by the
 * seq of the last completion, `ctx.seq`): `already` holds the ids decided before.
 */
export function decideStalled(
  targets: NotifySpec[] | undefined,
  input: { nowMs: number; lastFinishMs: number; inFlight: number; already: ReadonlySet<string> },
  ctx: NotifyContext,
): Decided[] {
  if (!targets || input.inFlight === 0) return [];
  const quiet = input.nowMs - input.lastFinishMs;
  const minutes = Math.round(quiet / 60_000);
  const t = {
    trigger: 'stalled' as const,
    what: `no unit finished for ${minutes} min with ${input.inFlight} in flight`,
    act: 'status RUN',
  };
  return decided(targets, ctx, t, (x) => quiet >= (x.stalledAfterMs ?? DEFAULT_STALLED_AFTER_MS)).filter(
    (d) => !input.already.has(d.id),
  );
}
