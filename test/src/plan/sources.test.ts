// The plan's source fingerprint: every file the loader read (the plan and the SQL files it names) with the
// sha256 of its bytes, and the check that says whether a resume may skip loading the plan again.

import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanWithSources, sourcesUnchanged } from '../../../src/plan/index.js';
import { copyFixture, editPlan } from './helpers.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('plan sources', () => {
  it('names the plan file and every SQL file of its dialect, each with the sha256 of its bytes', () => {
    const file = copyFixture();
    const { sources } = loadPlanWithSources(file);
    const dir = path.dirname(file);
    const sqlFiles = filesUnder(path.join(dir, 'sql', 'sqlite'));
    // Every SQL file of the fixture's dialect is referenced by the fixture plan.
    expect(sources.map((s) => s.file).sort()).toEqual([file, ...sqlFiles].sort());
    for (const s of sources) expect(s.sha256).toBe(sha256(s.file));
  });

  it('holds while nothing changed, and fails once a SQL file, the plan file, or a file goes away', () => {
    const file = copyFixture();
    const { sources } = loadPlanWithSources(file);
    expect(sourcesUnchanged(sources)).toBe(true);
    const sql = sources.find((s) => s.file.endsWith('.sql'))!.file;
    appendFileSync(sql, '\n-- edited\n');
    expect(sourcesUnchanged(sources)).toBe(false);

    const again = loadPlanWithSources(file).sources;
    expect(sourcesUnchanged(again)).toBe(true);
    editPlan(file, (doc) => {
      doc.maxConcurrency = 3;
    });
    expect(sourcesUnchanged(again)).toBe(false);

    const third = loadPlanWithSources(file).sources;
    rmSync(sql);
    expect(sourcesUnchanged(third)).toBe(false);
  });

  it('never vouches for a plan it has no record of', () => {
    expect(sourcesUnchanged(undefined)).toBe(false);
    expect(sourcesUnchanged([])).toBe(false);
  });
});
