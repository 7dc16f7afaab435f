import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan, planHash } from '../../../src/plan/index.js';
import { makeSyntheticProject } from '../../support/synthetic.js';
import { copyFixture, editPlan, FIXTURE, tempDir } from './helpers.js';

describe('planHash', () => {
  const original = loadPlan(path.join(FIXTURE, 'plan.yaml'));

  it('is a sha256 hex digest, stable across loads', () => {
    const hash = planHash(original);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash(loadPlan(path.join(FIXTURE, 'plan.yaml')))).toBe(hash);
  });

  it('survives the plan JSON round trip used by the run log', () => {
    expect(planHash(JSON.parse(JSON.stringify(original)))).toBe(planHash(original));
  });

  it('does not change when the plan folder moves or is copied', () => {
    const copy = copyFixture();
    expect(planHash(loadPlan(copy))).toBe(planHash(original));
    const moved = path.join(tempDir(), 'elsewhere');
    renameSync(path.dirname(copy), moved);
    const plan = loadPlan(path.join(moved, 'plan.yaml'));
    expect(plan.source).not.toBe(original.source);
    expect(planHash(plan)).toBe(planHash(original));
  });

  it('changes when the text of a SQL file changes', () => {
    const copy = copyFixture();
    const before = planHash(loadPlan(copy));
    const sqlFile = path.join(path.dirname(copy), 'sql', 'sqlite', 'expect', 'two_per_game.sql');
    writeFileSync(sqlFile, 'SELECT 3 AS min_rows\n');
    expect(planHash(loadPlan(copy))).not.toBe(before);
  });

  it('changes when a setting changes, or when the warehouse file is another one', () => {
    const base = planHash(original);
    expect(
      planHash(
        loadPlan(
          editPlan(copyFixture(), (d) => {
            d.phases[0].steps[1].retries = 1;
          }),
        ),
      ),
    ).not.toBe(base);
    expect(
      planHash(
        loadPlan(
          editPlan(copyFixture(), (d) => {
            d.warehouse.path = 'other.db';
          }),
        ),
      ),
    ).not.toBe(base);
  });

  it('does not depend on the order of keys in the plan object', () => {
    const reversed = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(reversed);
      if (v === null || typeof v !== 'object') return v;
      return Object.fromEntries(
        Object.entries(v)
          .reverse()
          .map(([k, x]) => [k, reversed(x)]),
      );
    };
    const shuffled = reversed(original) as typeof original;
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(original));
    expect(planHash(shuffled)).toBe(planHash(original));
  });
});

describe('planHash and a command step working directory', () => {
  it('is the same whether the default (the plan folder) is written out or absent, and changes with another one', () => {
    const p = makeSyntheticProject(tempDir());
    const plan = loadPlan(p.plan);
    const step = plan.phases[0].groups[0].steps.find((s) => s.kind === 'command');
    expect(step?.command?.cwd).toBe(path.dirname(p.plan));
    // As a run frozen before the default existed stores it: no cwd at all.
    const frozen = JSON.parse(JSON.stringify(plan)) as typeof plan;
    for (const s of frozen.phases[0].groups[0].steps) if (s.command) delete s.command.cwd;
    expect(planHash(frozen)).toBe(planHash(plan));
    const elsewhere = JSON.parse(JSON.stringify(plan)) as typeof plan;
    for (const s of elsewhere.phases[0].groups[0].steps)
      if (s.command) s.command.cwd = path.join(path.dirname(p.plan), 'scripts');
    expect(planHash(elsewhere)).not.toBe(planHash(plan));
  });
});
