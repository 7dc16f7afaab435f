// `phased init [DIR] [--warehouse sqlite|bigquery]`: write a commented starter plan and its sql/ files into
// DIR. The templates are the plan reference's examples (docs/examples/<kind>), so there is one source of
// truth; the editor schema line is rewritten for DIR. Nothing is written when any target already exists. The
// SQLite starter also gets its sample warehouse (sample-data.sql run into warehouse.db) unless one is there.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { packageRoot } from '../../src/demo/plan-dir.js';
import { PLAN_JSON_SCHEMA_FILE } from '../../src/plan/json-schema.js';
import { loadPlan } from '../../src/plan/load.js';
import { action, badArgument, globals, print, printJson } from '../context.js';

const KINDS = ['sqlite', 'bigquery'] as const;
const SCHEMA_LINE = /^# yaml-language-server: \$schema=.*$/m;

/** Every file under `dir`, as sorted paths relative to it. */
function filesUnder(dir: string, base = ''): string[] {
  return readdirSync(join(dir, base), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(base, e.name)) : [join(base, e.name)]))
    .sort();
}

/** Targets that are in the way, with why: an existing file, or a file where a folder must go. */
function conflicts(target: string, files: string[]): Map<string, string> {
  const found = new Map<string, string>();
  const notFolder = (p: string) => existsSync(p) && !statSync(p).isDirectory();
  // The target, or its nearest existing parent, must be a folder.
  let at = target;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  if (notFolder(at)) return found.set(at, "is a file, where the plan's folder goes");
  for (const file of files) {
    const parts = file.split(sep);
    for (let i = 1; i < parts.length; i++) {
      const folder = join(target, ...parts.slice(0, i));
      if (notFolder(folder)) found.set(folder, 'is a file, where a folder goes');
    }
    if (existsSync(join(target, file))) found.set(join(target, file), 'exists');
  }
  return found;
}

/** A template file's text for `target`: plan.yaml points its schema line at the installed schema. */
function contents(template: string, file: string, target: string): string {
  const text = readFileSync(join(template, file), 'utf8');
  if (file !== 'plan.yaml') return text;
  const schema = relative(target, join(packageRoot(), PLAN_JSON_SCHEMA_FILE)).split(sep).join('/');
  return text.replace(SCHEMA_LINE, `# yaml-language-server: $schema=${schema}`);
}

/**
 * The SQLite starter's sample warehouse: its sample-data.sql run into the file the written plan names, unless
 * that file exists (a user's own warehouse is never touched).
 */
function sampleWarehouse(target: string): { file: string; outcome: 'created' | 'kept' } {
  const wh = loadPlan(join(target, 'plan.yaml')).warehouse;
  if (wh.kind !== 'sqlite') throw new Error(`the SQLite starter plan names a ${wh.kind} warehouse`);
  const file = wh.path;
  if (existsSync(file)) return { file, outcome: 'kept' };
  try {
    const db = new Database(file);
    try {
      db.exec(readFileSync(join(target, 'sample-data.sql'), 'utf8'));
    } finally {
      db.close();
    }
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw badArgument(
      `init wrote the plan, but cannot create its sample warehouse ${display(file)} (${why}): make that path writable ` +
        '(it may be a broken link or under a file), then remove what init wrote and run it again',
    );
  }
  return { file, outcome: 'created' };
}

/** A path as the user would type it: relative when under the current folder, absolute otherwise. */
function display(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? p : rel;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write a commented starter plan (plan.yaml and its sql/ files) into DIR; never overwrites')
    .argument('[dir]', 'directory for the plan (created when missing)', '.')
    .option('--warehouse <kind>', 'sqlite or bigquery', 'sqlite')
    .action(
      action((dir: string, o: { warehouse: string }, cmd: Command) => {
        const kind = KINDS.find((k) => k === o.warehouse);
        if (!kind) {
          throw badArgument(`--warehouse ${o.warehouse} is not valid: expected ${KINDS.join(' or ')}`);
        }
        const template = join(packageRoot(), 'docs', 'examples', kind);
        const files = filesUnder(template);
        const target = resolve(dir);
        const inTheWay = conflicts(target, files);
        if (inTheWay.size > 0) {
          const shown = [...inTheWay].map(([p, why]) => `${display(p)} ${why}`);
          throw badArgument(
            `init writes nothing, because ${shown.join('; ')}: choose another directory, or move the files away`,
          );
        }
        for (const file of files) {
          const out = join(target, file);
          try {
            mkdirSync(dirname(out), { recursive: true });
            writeFileSync(out, contents(template, file, target), { flag: 'wx' });
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code ?? String(err);
            throw badArgument(`init cannot write ${display(out)}: ${code}`);
          }
        }
        const sample = kind === 'sqlite' ? sampleWarehouse(target) : undefined;
        if (globals(cmd).json) {
          printJson({
            ok: true,
            warehouse: kind,
            dir: target,
            files,
            ...(sample ? { sampleWarehouse: sample.outcome } : {}),
          });
          return 0;
        }
        const plan = display(join(target, 'plan.yaml'));
        print(`wrote a ${kind} starter plan to ${target}:\n${files.map((f) => `  ${f}`).join('\n')}`);
        const wh = sample && relative(target, sample.file);
        if (sample?.outcome === 'created')
          print(`  ${wh} (the sample warehouse: the orders of sample-data.sql)`);
        if (sample?.outcome === 'kept')
          print(`${wh} was there already: left as it is (the sample data is not in it)`);
        print(`next: phased check ${plan}   (the format: docs/plans.md in the phased package)`);
        if (sample?.outcome === 'created')
          print(`then: phased run ${plan}   (it runs on the sample warehouse)`);
        return 0;
      }),
    );
}
