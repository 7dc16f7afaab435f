// Parameter detection ignores comments and quoted text; partition values normalise to YYYY-MM-DD.
import { expect, it } from 'vitest';
import { UnitError } from '../../../machines/index.js';
import { nextDay, normalizePartition, paramNames, usedParams } from '../../../src/warehouse/index.js';

it('finds @params outside comments and quoted text', () => {
  const sql = `SELECT '@start' AS s, "@end" AS e -- @run_id here
    /* @partition */ FROM t WHERE d = @partition AND x > @min_x AND d = @partition`;
  expect(paramNames(sql)).toEqual(['partition', 'min_x']);
  expect(usedParams(sql, { partition: 'p', start: 's', min_x: 1 })).toEqual({ partition: 'p', min_x: 1 });
});

it('normalises dates, date-times, YYYYMMDD, Date objects and { value } wrappers', () => {
  expect(normalizePartition('2024-05-06', 'x')).toBe('2024-05-06');
  expect(normalizePartition('2024-05-06T12:00:00Z', 'x')).toBe('2024-05-06');
  expect(normalizePartition(20240506, 'x')).toBe('2024-05-06');
  expect(normalizePartition(new Date('2024-05-06T00:00:00Z'), 'x')).toBe('2024-05-06');
  expect(normalizePartition({ value: '2024-05-06' }, 'x')).toBe('2024-05-06');
  expect(() => normalizePartition(null, 'calendar')).toThrow(UnitError);
  expect(() => normalizePartition('May 6', 'calendar')).toThrow(/calendar/);
});

it('computes the next day across month and year ends', () => {
  expect(nextDay('2024-02-28')).toBe('2024-02-29');
  expect(nextDay('2025-12-31')).toBe('2026-01-01');
});
