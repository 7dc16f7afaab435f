// The plan reference and the JSON Schema: every key of the zod schema is documented under its path, the
// committed schema is what the definition generates now, and it judges plans as the zod schema does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as z from 'zod';
import {
  PLAN_JSON_SCHEMA_FILE,
  PLAN_REFERENCE_FILE,
  referenceKeys,
  renderPlanJsonSchema,
} from '../../../src/plan/index.js';
import { planSchema } from '../../../src/plan/schema.js';
import { type Doc, FIXTURE } from './helpers.js';
import { KEYWORDS, keywordsOf, validate } from './mini-json-schema.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const reference = readFileSync(path.join(ROOT, PLAN_REFERENCE_FILE), 'utf8');
const committed = readFileSync(path.join(ROOT, PLAN_JSON_SCHEMA_FILE), 'utf8');
const jsonSchema = JSON.parse(committed);
const fromJson = z.fromJSONSchema(jsonSchema);

/** Every object key of a zod schema, by document path (`$`, `range`, `phases[].gate`, …). */
function zodKeys(
  schema: z.ZodType,
  at = '$',
  out = new Map<string, Set<string>>(),
): Map<string, Set<string>> {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const child = (s: unknown, p: string) => zodKeys(s as z.ZodType, p, out);
  switch (def.type) {
    case 'object': {
      const keys = out.get(at) ?? new Set<string>();
      out.set(at, keys);
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) {
        keys.add(key);
        child(value, at === '$' ? key : `${at}.${key}`);
      }
      break;
    }
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
      child(def.innerType, at);
      break;
    case 'pipe':
      child(def.in, at);
      child(def.out, at);
      break;
    case 'array':
      child(def.element, `${at}[]`);
      break;
    case 'union':
      for (const option of def.options as unknown[]) child(option, at);
      break;
    case 'record':
      child(def.valueType, `${at}.*`);
      break;
  }
  return out;
}

const schemaKeys = zodKeys(planSchema({ dir: ROOT }));

describe('the plan reference (docs/plans.md)', () => {
  it('documents every key of the schema, nested ones included, in the table of its path', () => {
    const documented = referenceKeys(reference);
    const missing: string[] = [];
    for (const [at, keys] of schemaKeys) {
      for (const key of keys) {
        if (!documented.get(at)?.get(key)) missing.push(`${at} → ${key}`);
        // The key is also spelled in the text a reader searches.
        expect(reference).toContain(`\`${key}\``);
      }
    }
    expect(missing).toEqual([]);
    // The walk reached the deepest objects, so a new nested key cannot hide.
    expect(schemaKeys.get('phases[].groups[].steps[].expect')).toEqual(new Set(['minRows']));
    expect(schemaKeys.get('phases[].gate.notNull[]')).toEqual(
      new Set(['table', 'column', 'maxRate', 'where']),
    );
  });

  it('documents no key the schema does not have', () => {
    const stale: string[] = [];
    for (const [at, keys] of referenceKeys(reference)) {
      for (const key of keys.keys()) if (!schemaKeys.get(at)?.has(key)) stale.push(`${at} → ${key}`);
    }
    expect(stale).toEqual([]);
  });
});

describe('the plan JSON Schema (docs/plan.schema.json)', () => {
  it('is what the plan schema and the reference generate now (run `npm run plan-schema` after changing them)', () => {
    expect(committed).toBe(renderPlanJsonSchema(reference));
  });

  it('uses only keywords the independent validator implements, and describes every key', () => {
    expect([...keywordsOf(jsonSchema)].filter((k) => !KEYWORDS.has(k))).toEqual([]);
    const undescribed: string[] = [];
    const walk = (node: Doc, at: string) => {
      for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Doc>)) {
        if (!child.description) undescribed.push(`${at}.${key}`);
        walk(child, `${at}.${key}`);
      }
      if (node.items) walk(node.items, `${at}[]`);
      for (const alt of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) walk(alt, at);
    };
    walk(jsonSchema, '$');
    expect(undescribed).toEqual([]);
  });

  const planFiles = {
    nba: path.join(ROOT, 'plans/nba/plan.yaml'),
    sqlite: path.join(ROOT, 'docs/examples/sqlite/plan.yaml'),
    bigquery: path.join(ROOT, 'docs/examples/bigquery/plan.yaml'),
  };

  it.each(Object.entries(planFiles))(
    'accepts the %s plan, which names the schema on its first line',
    (_n, file) => {
      const text = readFileSync(file, 'utf8');
      const first = text.split('\n')[0];
      const m = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
      expect(m, first).not.toBeNull();
      expect(path.resolve(path.dirname(file), m?.[1] ?? '')).toBe(path.join(ROOT, PLAN_JSON_SCHEMA_FILE));
      expect(validate(jsonSchema, parse(text))).toEqual([]);
    },
  );

  /** Each edit of the SQLite example, and whether the edited document is still valid. */
  const cases: [string, boolean, (d: Doc) => void][] = [
    ['unchanged', true, () => {}],
    [
      'optional keys left out',
      true,
      (d) => {
        delete d.prerequisites;
        delete d.phases[0].gate;
        delete d.phases[0].steps[0].expect;
      },
    ],
    [
      'steps in groups',
      true,
      (d) => {
        d.phases[0].groups = [{ steps: d.phases[0].steps }];
        delete d.phases[0].steps;
      },
    ],
    [
      'a bigquery warehouse',
      true,
      (d) => {
        d.warehouse = { kind: 'bigquery', projectId: 'p', location: 'US', maximumBytesBilled: '1000' };
      },
    ],
    [
      'a command step',
      true,
      (d) => {
        d.phases[0].steps[0] = {
          id: 'c',
          table: 't',
          kind: 'command',
          command: ['x', '{partition}'],
          timeout: 5,
          env: { A: 1 },
        };
      },
    ],
    [
      'an unknown top-level key',
      false,
      (d) => {
        d.owner = 'me';
      },
    ],
    [
      'an unknown step key',
      false,
      (d) => {
        d.phases[0].steps[0].concurency = 2;
      },
    ],
    [
      'an unknown gate key',
      false,
      (d) => {
        d.phases[0].gate.minCoverge = 0.5;
      },
    ],
    [
      'an unknown key in notNull',
      false,
      (d) => {
        d.phases[0].gate.notNull[0].max = 0;
      },
    ],
    [
      'version 2',
      false,
      (d) => {
        d.version = 2;
      },
    ],
    [
      'a slash date',
      false,
      (d) => {
        d.range.start = '2024/01/01';
      },
    ],
    [
      'concurrency as text',
      false,
      (d) => {
        d.phases[0].steps[0].concurrency = '4';
      },
    ],
    [
      'concurrency 0',
      false,
      (d) => {
        d.phases[0].steps[0].concurrency = 0;
      },
    ],
    [
      'retries 1.5',
      false,
      (d) => {
        d.phases[0].steps[0].retries = 1.5;
      },
    ],
    [
      'minCoverage above 1',
      false,
      (d) => {
        d.phases[0].gate.minCoverage = 1.5;
      },
    ],
    [
      'an unknown warehouse kind',
      false,
      (d) => {
        d.warehouse = { kind: 'postgres', path: 'x' };
      },
    ],
    [
      'sqlite path on bigquery',
      false,
      (d) => {
        d.warehouse = { kind: 'bigquery', projectId: 'p', location: 'US', path: 'x' };
      },
    ],
    [
      'bigquery without projectId',
      false,
      (d) => {
        d.warehouse = { kind: 'bigquery', location: 'US' };
      },
    ],
    [
      'no name',
      false,
      (d) => {
        delete d.name;
      },
    ],
    [
      'no phases',
      false,
      (d) => {
        d.phases = [];
      },
    ],
    [
      'a bad refill',
      false,
      (d) => {
        d.phases[0].steps[0].refill = 'some';
      },
    ],
  ];

  it.each(cases)('judges "%s" as the zod schema does (valid: %s)', (_name, valid, edit) => {
    const dir = path.join(ROOT, 'docs/examples/sqlite');
    const doc = parse(readFileSync(path.join(dir, 'plan.yaml'), 'utf8'));
    edit(doc);
    const byZod = planSchema({ dir, dialect: doc.warehouse?.kind }).safeParse(doc).success;
    const byJson = validate(jsonSchema, doc);
    expect(byZod).toBe(valid);
    expect(byJson.length === 0, byJson.join('; ')).toBe(valid);
    // A second reading of the same JSON Schema, by zod's own JSON Schema importer.
    expect(fromJson.safeParse(doc).success).toBe(valid);
  });

  it('rejects an unknown key in the NBA plan, naming it', () => {
    const doc = parse(readFileSync(planFiles.nba, 'utf8'));
    doc.phases[1].groups[1].steps[0].partitions = 'x.sql';
    expect(validate(jsonSchema, doc).join('\n')).toContain(
      '$.phases[1].groups[1].steps[0]: additional property partitions',
    );
  });

  it('is the fixture plan of the loader tests too', () => {
    expect(validate(jsonSchema, parse(readFileSync(path.join(FIXTURE, 'plan.yaml'), 'utf8')))).toEqual([]);
  });
});
