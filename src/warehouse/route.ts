// Gives each role its backend: gates and the baseline read the plan's warehouse; each step's units go to the
// unit backend of that step (`kind: command` to the command runner, everything else to the warehouse).
// It adds no behaviour of its own; each backend keeps its own retry and reconcile semantics.

import type { StepSpec } from '../../machines/index.js';
import { PhasedError } from '../../machines/index.js';
import type { PlanWarehouse, UnitBackend, Warehouse } from './types.js';

function missingCommandBackend(step: StepSpec): PhasedError {
  return new PhasedError(
    'INTERNAL',
    `step ${step.id} is a command step but no command backend was opened; pass one to routeWarehouse`,
  );
}

/** Refuses every unit of a command step no command backend was opened for (nothing runs). */
function refusing(step: StepSpec): UnitBackend {
  const refuse = async (): Promise<never> => {
    throw missingCommandBackend(step);
  };
  return { jobRefFor: () => undefined, materialize: refuse, reconcile: refuse, close: async () => {} };
}

/** The plan's backends by role: reads and SQL steps on `base`, command steps on `command`. */
export function routeWarehouse(base: Warehouse, command?: UnitBackend): PlanWarehouse {
  return {
    reads: base,
    backendFor: (step) => {
      if (step.kind !== 'command') return base;
      return command ?? refusing(step);
    },
    close: async () => {
      await Promise.all([base.close(), command?.close()]);
    },
  };
}
