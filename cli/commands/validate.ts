// `phased validate PLAN --gate ID`: evaluate one gate on its own against the plan's warehouse right now.
// Exit 0 when the gate passes, 1 when it blocks or errs, 2 for bad input; it appends nothing to any log.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { PhasedError } from '../../machines/index.js';
import { gateEvent, openPlanWarehouse } from '../../src/engine/index.js';
import { formatGateReport } from '../../src/gates/index.js';
import { loadPlan } from '../../src/plan/index.js';
import { action, badArgument, globals, logDir, print, printJson } from '../context.js';

interface ValidateOptions {
  gate?: string;
  json?: boolean;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'evaluate one gate of PLAN against its warehouse now (exit 0 passed, 1 blocked); logs nothing',
    )
    .argument('<plan>', 'plan file (YAML)')
    .requiredOption('--gate <id>', 'gate id (by default a gate is named after its phase)')
    .option('--json', 'print the gate report as JSON')
    .action(
      action(async (file: string, o: ValidateOptions, cmd: Command) => {
        const g = globals(cmd);
        if (!existsSync(file)) throw new PhasedError('PLAN_INVALID', `plan file ${file} does not exist`);
        const plan = loadPlan(file);
        const phase = plan.phases.find((p) => p.gate.id === o.gate);
        if (!phase) {
          const ids = plan.phases.map((p) => p.gate.id).join(', ');
          throw badArgument(`plan ${plan.name} has no gate ${o.gate}: its gates are ${ids}`);
        }
        const wh = await openPlanWarehouse(plan, { logDir: logDir(g) });
        try {
          // The driver's own gate evaluation: a failing query (the calendar's included) makes the report err.
          const event = await gateEvent(plan, wh.reads, '', phase.id, phase.gate.id);
          const report =
            event.type === 'GATE_PASSED' || event.type === 'GATE_FAILED' ? event.report : undefined;
          if (!report) throw new PhasedError('INTERNAL', `gate ${phase.gate.id}: no report was produced`);
          if (o.json || g.json) printJson(report);
          else print(formatGateReport(report));
          return report.ok ? 0 : 1;
        } finally {
          await wh.close();
        }
      }),
    );
}
