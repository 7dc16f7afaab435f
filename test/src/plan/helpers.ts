// Test helpers for the plan loader: copy the fixture plan into a temp folder, edit its YAML, catch PlanErrors.
// The plans are real files on disk, loaded through the public loader.

import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { PlanError } from '../../../machines/index.js';

export const FIXTURE = fileURLToPath(new URL('../../fixtures/plans/valid', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: tests edit arbitrary YAML shapes, including invalid ones.
export type Doc = any;

export function tempDir(prefix = 'phased-plan-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh copy of the fixture plan folder; returns the copied plan.yaml path. */
export function copyFixture(into = tempDir()): string {
  cpSync(FIXTURE, into, { recursive: true });
  return path.join(into, 'plan.yaml');
}

/** Rewrites a plan file after `edit` changes its parsed document. */
export function editPlan(file: string, edit: (doc: Doc) => void): string {
  const doc = parse(readFileSync(file, 'utf8'));
  edit(doc);
  writeFileSync(file, stringify(doc));
  return file;
}

/** A fixture copy with `edit` applied. */
export function planWith(edit: (doc: Doc) => void): string {
  return editPlan(copyFixture(), edit);
}

/** Runs `fn`, expecting a PlanError; returns it. */
export function planError(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PlanError);
    return err as PlanError;
  }
  throw new Error('expected a PlanError, but the plan loaded');
}

/** The issue at exactly `path`, failing the test when there is none. */
export function issueAt(err: PlanError, path: string): { path: string; message: string } {
  const issue = err.issues.find((i) => i.path === path);
  expect(issue, `no issue at ${path}; issues: ${JSON.stringify(err.issues, null, 2)}`).toBeDefined();
  return issue!;
}

/** Every .sql file under `dir` whose path has a folder named `dialect` (sql/sqlite/…, sql/bigquery/…). */
export function sqlFilesOf(dir: string, dialect: 'sqlite' | 'bigquery'): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sqlFilesOf(full, dialect));
    else if (name.endsWith('.sql') && full.split(path.sep).includes(dialect)) out.push(full);
  }
  return out;
}
