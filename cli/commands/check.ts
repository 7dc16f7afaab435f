// `phased check PLAN`: lint a plan and run nothing (exit 0 valid, 2 invalid).
import type { Command } from 'commander';
import { checkPlanFile } from '../../src/plan/index.js';
import { action, globals, print, printJson } from '../context.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('validate a plan file and print its shape; runs nothing')
    .argument('<plan>', 'plan file (YAML)')
    .action(
      action((file: string, _o: unknown, cmd: Command) => {
        const r = checkPlanFile(file);
        const g = globals(cmd);
        if (!r.ok) throw r.error;
        if (g.json) printJson({ ok: true, name: r.plan.name, phases: r.plan.phases.map((p) => p.id) });
        else print(`${r.summary}\nplan ${file} is valid`);
        return 0;
      }),
    );
}
