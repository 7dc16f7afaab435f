// A small JSON Schema (draft-07) validator for the keywords the plan schema uses, written from the
// specification (json-schema.org, Validation vocabulary) so that tests can judge the generated schema
// without trusting the generator. KEYWORDS lists what it implements; tests assert the schema uses no other.

type Schema = { [key: string]: unknown };

/** Keywords this validator implements (and annotations it may ignore). */
export const KEYWORDS = new Set([
  '$schema',
  'title',
  'description',
  'default',
  'type',
  'const',
  'enum',
  'pattern',
  'minLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'minItems',
  'items',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'oneOf',
  'anyOf',
]);

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      throw new Error(`unknown type ${type}`);
  }
}

/** The errors of `value` against `schema` (empty when valid), each with its instance path. */
export function validate(schema: Schema, value: unknown, at = '$'): string[] {
  const errs: string[] = [];
  const fail = (msg: string) => errs.push(`${at}: ${msg}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeOk(t, value))) return [`${at}: expected type ${types.join('|')}`];
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) fail('const');
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    fail('enum');
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail('pattern');
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) fail('minLength');
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail('minimum');
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail('maximum');
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      fail('exclusiveMinimum');
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail('minItems');
    if (schema.items && typeof schema.items === 'object') {
      value.forEach((item, i) => {
        errs.push(...validate(schema.items as Schema, item, `${at}[${i}]`));
      });
    }
  }
  if (typeOk('object', value)) {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) fail(`required ${key}`);
    for (const [key, v] of Object.entries(obj)) {
      if (schema.propertyNames) errs.push(...validate(schema.propertyNames as Schema, key, `${at}.${key}`));
      if (key in props) errs.push(...validate(props[key], v, `${at}.${key}`));
      else if (schema.additionalProperties === false) fail(`additional property ${key}`);
      else if (typeof schema.additionalProperties === 'object')
        errs.push(...validate(schema.additionalProperties as Schema, v, `${at}.${key}`));
    }
  }
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => validate(s as Schema, value, at).length === 0))
    fail('anyOf: no alternative matches');
  if (Array.isArray(schema.oneOf)) {
    const n = schema.oneOf.filter((s) => validate(s as Schema, value, at).length === 0).length;
    if (n !== 1) fail(`oneOf: ${n} alternatives match, expected exactly 1`);
  }
  return errs;
}

/** Every keyword used anywhere in `schema` (property names under `properties` are not keywords). */
export function keywordsOf(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) keywordsOf(s, out);
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      out.add(k);
      if (k === 'properties') for (const p of Object.values(v as object)) keywordsOf(p, out);
      else if (k !== 'const' && k !== 'enum' && k !== 'default' && k !== 'required') keywordsOf(v, out);
    }
  }
  return out;
}
