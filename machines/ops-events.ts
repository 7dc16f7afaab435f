// Events of cost, quotas and attention: budget changes, adaptive concurrency, notifications. Part of the
// RunEvent union (events.ts); their payload types are shared with the decisions in budget.ts, aimd.ts, notify.ts.

import type { NotifyTrigger } from './cost-plan.js';

/** The figures of a budget decision: what was billed, what runs, what the next unit would add, the budget. */
export interface BudgetFigures {
  maxBytesBilled: number;
  bytesBilled: number;
  /** Estimated bytes of the units in flight when the decision was made. */
  runningEstimate: number;
  /** The unit that would have started: its step, partition and estimated bytes. */
  next: { step: string; partition: string; estimatedBytes: number };
}

export type OpsEvent =
  | {
      type: 'BUDGET_CHANGED';
      /** The new budget in bytes billed; null removes it. */
      maxBytesBilled: number | null;
      from: number | null;
      by: string;
      reason?: string;
    }
  | {
      type: 'CONCURRENCY_CHANGED';
      step: string;
      from: number;
      to: number;
      /** `rateLimitExceeded`, `quotaExceeded`, `tooManyDml`, or `recovered` after successes. */
      cause: string;
      /** The unit whose outcome caused the change. */
      partition?: string;
    }
  | {
      type: 'NOTIFY_DECIDED';
      /** Unique per run: the trigger and the seq or episode it is about, and the target's index. */
      id: string;
      trigger: NotifyTrigger;
      target: string;
      /** The message (Slack-compatible body), fixed when decided so a re-send is identical. */
      body: { text: string; blocks?: unknown[] };
    }
  | {
      type: 'NOTIFY_SENT';
      id: string;
      trigger: NotifyTrigger;
      target: string;
      attempt: number;
      status: number;
    }
  | {
      type: 'NOTIFY_FAILED';
      id: string;
      trigger: NotifyTrigger;
      target: string;
      attempt: number;
      error: string;
      /** No more attempts follow. */
      final: boolean;
    };

export const OPS_EVENT_TYPES = [
  'BUDGET_CHANGED',
  'CONCURRENCY_CHANGED',
  'NOTIFY_DECIDED',
  'NOTIFY_SENT',
  'NOTIFY_FAILED',
] as const;
