// The plan's JSON Schema for editors (yaml-language-server): generated from the zod schema `phased check`
// uses, with each key's meaning taken from the key tables of the plan reference (docs/plans.md). It does not
// validate plans for phased: rules across fields, SQL files and per-dialect table names stay with `check`.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { dateString, planSchema } from './schema.js';

/** The plan reference and the generated schema, relative to the package root. */
export const PLAN_REFERENCE_FILE = 'docs/plans.md';
export const PLAN_JSON_SCHEMA_FILE = 'docs/plan.schema.json';

/** Key tables of the reference: document path (`$`, `phases[].gate`, …) → key → meaning. */
export type ReferenceKeys = Map<string, Map<string, string>>;

const KEYS_MARK = /^<!--\s*keys:\s*(.+?)\s*-->$/;
const ROW = /^\|\s*`([^`]+)`\s*\|(.*)\|\s*$/;

/** Reads the tables that follow a `<!-- keys: PATH … -->` line: one row per key, its meaning last. */
export function referenceKeys(markdown: string): ReferenceKeys {
  const out: ReferenceKeys = new Map();
  let paths: string[] = [];
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    const mark = KEYS_MARK.exec(line);
    if (mark) {
      paths = mark[1].split(/\s+/);
      continue;
    }
    if (!line.startsWith('|')) {
      if (line !== '') paths = [];
      continue;
    }
    const row = ROW.exec(line);
    if (!row || paths.length === 0) continue;
    const cells = row[2].split('|');
    const meaning = cells[cells.length - 1].trim().replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
    for (const at of paths) {
      const keys = out.get(at) ?? new Map<string, string>();
      keys.set(row[1], meaning);
      out.set(at, keys);
    }
  }
  return out;
}

type JsonSchema = { [key: string]: unknown };

/** Puts each property's meaning into its `description`, walking objects, lists and alternatives. */
function describe(node: JsonSchema, at: string, keys: ReferenceKeys): void {
  const props = node.properties as Record<string, JsonSchema> | undefined;
  if (props) {
    for (const [key, child] of Object.entries(props)) {
      const meaning = keys.get(at)?.get(key);
      if (meaning) child.description = meaning;
      describe(child, at === '$' ? key : `${at}.${key}`, keys);
    }
  }
  if (node.items && typeof node.items === 'object') describe(node.items as JsonSchema, `${at}[]`, keys);
  for (const alt of ['oneOf', 'anyOf'] as const) {
    const list = node[alt];
    if (Array.isArray(list)) for (const option of list) describe(option as JsonSchema, at, keys);
  }
}

/** The plan's JSON Schema (draft-07, the draft editors support best), described from `reference`. */
export function planJsonSchema(reference: string): JsonSchema {
  // Inputs as written in YAML: defaults make keys optional, SQL references are strings.
  const schema = z.toJSONSchema(planSchema({ dir: '.' }), {
    target: 'draft-7',
    io: 'input',
    override: (ctx) => {
      // A refinement does not translate; the pattern is the shape of a date (check also tests the calendar).
      if (ctx.zodSchema === dateString) ctx.jsonSchema.pattern = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
    },
  }) as JsonSchema;
  describe(schema, '$', referenceKeys(reference));
  const { $schema, ...rest } = schema;
  return {
    $schema,
    title: 'phased plan',
    description:
      'A phased backfill plan. Reference: docs/plans.md of the phased package; `phased check PLAN` validates it fully.',
    ...rest,
  };
}

/** The schema file's text: stable key order from the definition, two-space indent, final newline. */
export function renderPlanJsonSchema(reference: string): string {
  return `${JSON.stringify(planJsonSchema(reference), null, 2)}\n`;
}

/** Regenerates `docs/plan.schema.json` under `root` from the schema and the reference; returns its path. */
export function writePlanJsonSchema(root: string): string {
  const file = path.join(root, PLAN_JSON_SCHEMA_FILE);
  writeFileSync(file, renderPlanJsonSchema(readFileSync(path.join(root, PLAN_REFERENCE_FILE), 'utf8')));
  return file;
}
