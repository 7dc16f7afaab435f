// The zod schema of a plan file, built per load: SQL references are read relative to the plan's folder
// and table names are checked against the warehouse dialect. Cross-node rules live in rules.ts.

import path from 'node:path';
import * as z from 'zod';
import {
  type Dialect,
  isCalendarDate,
  NOTIFY_TRIGGERS,
  parseBytes,
  parseDuration,
} from '../../machines/index.js';
import { show, unknownKeysMessage } from './issues.js';
import { readSqlRef } from './sql-ref.js';

export interface SchemaContext {
  /** Absolute folder of the plan file: relative paths resolve against it. */
  dir: string;
  /** The warehouse kind when the document names a valid one; `{dialect}` paths need it. */
  dialect?: Dialect;
  /** Told of every SQL file read while validating (the plan's source fingerprint). */
  onRead?: (file: string, text: string) => void;
}

export const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STEP_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;

export { isCalendarDate };

function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? unknownKeysMessage(iss.keys, allowed) : undefined),
  });
}

function pattern(re: RegExp, what: string) {
  return z.string().regex(re, { error: (iss) => `expected ${what}, found ${show(iss.input)}` });
}

const ident = pattern(IDENT, 'an identifier (letters, digits and _, not starting with a digit)');
const stepId = pattern(STEP_ID, 'a step id (letters, digits, _ and -, not starting with a digit or -)');
const text = z.string().trim().min(1);
const posInt = z.int().positive();
const rate = z.number().min(0).max(1);

export const dateString = z.string().refine(isCalendarDate, {
  error: (iss) => `expected a real calendar date YYYY-MM-DD, found ${show(iss.input)}`,
});

function sqlRef(ctx: SchemaContext) {
  return text.transform((value, c) => {
    const res = readSqlRef(value, ctx);
    if ('error' in res) {
      c.issues.push({ code: 'custom', message: res.error, input: value });
      return z.NEVER;
    }
    return res.sql;
  });
}

function table(ctx: SchemaContext) {
  return z.string().superRefine((value, c) => {
    if (IDENT.test(value)) return;
    if (DOTTED.test(value) && ctx.dialect !== 'sqlite') return;
    const message =
      DOTTED.test(value) && ctx.dialect === 'sqlite'
        ? `dataset.table names are for bigquery; on sqlite write the table as ${value.replace('.', '_')}, found ${show(value)}`
        : `expected a table name (an identifier${ctx.dialect === 'bigquery' ? ' or dataset.table' : ''}), found ${show(value)}`;
    c.addIssue({ code: 'custom', message, input: value });
  });
}

function absolutePath(ctx: SchemaContext) {
  return text.transform((p) => path.resolve(ctx.dir, p));
}

const bytes = z.union([z.int().positive(), z.string().regex(/^[1-9][0-9]*$/)], {
  error: (iss) => `expected a positive whole number of bytes, found ${show(iss.input)}`,
});

/** A size in bytes: a whole number, or a number with a unit (`10TiB`, `500GiB`, `2TB`). */
export const byteSize = z.union([z.number(), z.string()]).transform((value, c) => {
  const n = parseBytes(value);
  if (n === undefined) {
    c.issues.push({
      code: 'custom',
      message: `expected a size such as 10TiB, 500GiB or a whole number of bytes, found ${show(value)}`,
      input: value,
    });
    return z.NEVER;
  }
  return n;
});

const duration = z.union([z.number(), z.string()]).transform((value, c) => {
  const n = parseDuration(value);
  if (n === undefined) {
    c.issues.push({
      code: 'custom',
      message: `expected a duration such as 30m, 2h or 90s, found ${show(value)}`,
      input: value,
    });
    return z.NEVER;
  }
  return n;
});

const webhook = z.string().superRefine((value, c) => {
  let ok = false;
  try {
    const u = new URL(value);
    ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    ok = false;
  }
  if (!ok) {
    c.addIssue({
      code: 'custom',
      message: `expected an http:// or https:// URL, found ${show(value)}`,
      input: value,
    });
  }
});

const notifyTarget = strict({
  on: z.array(z.enum(NOTIFY_TRIGGERS)).min(1),
  webhook,
  stalledAfter: duration.optional(),
});

function warehouse(ctx: SchemaContext) {
  return z.discriminatedUnion('kind', [
    strict({ kind: z.literal('sqlite'), path: absolutePath(ctx) }),
    strict({
      kind: z.literal('bigquery'),
      projectId: text,
      location: text,
      dataset: ident.optional(),
      maximumBytesBilled: bytes.transform(String).optional(),
      labels: z.record(z.string(), z.string()).optional(),
    }),
  ]);
}

function check(ctx: SchemaContext) {
  return strict({ name: text, sql: sqlRef(ctx) });
}

function gate(ctx: SchemaContext) {
  return strict({
    id: ident.optional(),
    minCoverage: rate.default(1),
    exclude: sqlRef(ctx).optional(),
    notNull: z
      .array(strict({ table: table(ctx), column: ident, maxRate: rate, where: text.optional() }))
      .default([]),
    checks: z.array(check(ctx)).default([]),
  });
}

const envValue = z.union([z.string(), z.number(), z.boolean()], {
  error: (iss) => `expected a string, found ${show(iss.input)}`,
});

/** A command argument; an unquoted `{partition}` reads as a YAML mapping, so say how to quote it. */
const argument = z
  .string({
    error: (iss) => {
      const input = iss.input as Record<string, unknown> | null;
      if (input && typeof input === 'object' && !Array.isArray(input) && Object.keys(input).length === 1) {
        const [key] = Object.keys(input);
        if (input[key] === null)
          return `expected a string, found {${key}} read as a YAML mapping: quote it, "{${key}}"`;
      }
      return undefined;
    },
  })
  .min(1);

function step(ctx: SchemaContext) {
  return strict({
    id: stepId,
    table: table(ctx),
    kind: z.enum(['sql', 'command']).default('sql'),
    sql: sqlRef(ctx).optional(),
    ddl: sqlRef(ctx).optional(),
    partitionColumn: ident.optional(),
    concurrency: posInt.default(4),
    retries: z.int().min(0).default(3),
    refill: z.enum(['missing', 'all']).default('missing'),
    expect: strict({ minRows: sqlRef(ctx).optional() }).optional(),
    command: z.array(argument).min(1).optional(),
    cwd: absolutePath(ctx).optional(),
    env: z.record(z.string(), envValue.transform(String)).optional(),
    timeout: z.number().positive().optional(),
  });
}

/** The whole document. Every field is checked independently, so one parse reports every field error. */
export function planSchema(ctx: SchemaContext) {
  const steps = z.array(step(ctx)).min(1);
  return strict({
    version: z.literal(1),
    name: pattern(NAME, 'a plan name (letters, digits, _, - and .)'),
    range: strict({ start: dateString, end: dateString }),
    warehouse: warehouse(ctx),
    partitionColumn: ident,
    partitions: sqlRef(ctx),
    prerequisites: strict({
      tables: z.array(table(ctx)).default([]),
      checks: z.array(check(ctx)).default([]),
    }).optional(),
    phases: z
      .array(
        strict({
          id: ident,
          steps: steps.optional(),
          groups: z.array(strict({ steps })).min(1).optional(),
          gate: gate(ctx).optional(),
        }),
      )
      .min(1),
    maxConcurrency: posInt.default(8),
    cost: strict({ pricePerTiB: z.number().min(0).optional() }).optional(),
    budget: strict({ maxBytesBilled: byteSize.optional() }).optional(),
    notify: z.array(notifyTarget).optional(),
  });
}

export type PlanDocument = z.output<ReturnType<typeof planSchema>>;
export type StepDocument = NonNullable<PlanDocument['phases'][number]['steps']>[number];
export type GateDocument = NonNullable<PlanDocument['phases'][number]['gate']>;
