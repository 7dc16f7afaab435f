import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allSteps } from '../../../machines/index.js';
import { loadPlan } from '../../../src/plan/index.js';
import { FIXTURE, issueAt, planError } from './helpers.js';

const file = path.join(FIXTURE, 'plan.yaml');

describe('loadPlan overrides', () => {
  it('--start and --end replace the range', () => {
    expect(loadPlan(file, { start: '2021-11-01' }).range).toEqual({ start: '2021-11-01', end: '2021-11-30' });
    expect(loadPlan(file, { start: '2021-11-01', end: '2021-11-07' }).range).toEqual({
      start: '2021-11-01',
      end: '2021-11-07',
    });
  });

  it('--refill all forces every step to refill all; missing keeps each step as written', () => {
    expect(allSteps(loadPlan(file, { refill: 'all' })).map((s) => s.refill)).toEqual([
      'all',
      'all',
      'all',
      'all',
    ]);
    expect(allSteps(loadPlan(file, { refill: 'missing' })).map((s) => s.refill)).toEqual([
      'missing',
      'missing',
      'all',
      'missing',
    ]);
  });

  it('validates override dates like the file, naming the flag', () => {
    const err = planError(() => loadPlan(file, { start: '2021-02-29', end: '21-11-07' }));
    expect(issueAt(err, '--start').message).toBe(
      'expected a real calendar date YYYY-MM-DD, found "2021-02-29"',
    );
    expect(issueAt(err, '--end').message).toBe('expected a real calendar date YYYY-MM-DD, found "21-11-07"');
  });

  it('checks start <= end on the overridden range, naming the flag that moved it', () => {
    const afterEnd = planError(() => loadPlan(file, { start: '2021-12-01' }));
    expect(issueAt(afterEnd, '--start').message).toBe(
      'expected start <= end, found start 2021-12-01 after end 2021-11-30',
    );
    const beforeStart = planError(() => loadPlan(file, { end: '2021-10-01' }));
    expect(issueAt(beforeStart, '--end').message).toContain('found start 2021-10-19 after end 2021-10-01');
  });

  it('rejects an unknown refill mode', () => {
    const err = planError(() => loadPlan(file, { refill: 'everything' as 'all' }));
    expect(issueAt(err, '--refill').message).toBe('expected "missing" or "all", found "everything"');
  });
});
