// `phased init` and the plan reference's examples, through the real CLI: the examples pass `phased check`
// (their BigQuery SQL parses as GoogleSQL), a fresh starter passes `check` and the SQLite one runs on its
// sample data; init never overwrites (exit 2, nothing written) and refuses a warehouse it does not know.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'sql-parser-cst';
import { describe, expect, it } from 'vitest';
import { runCliAsync, tempDir } from '../support/cli.js';
import { PROJECT_ROOT } from '../support/synthetic.js';

const EXAMPLES = join(PROJECT_ROOT, 'docs/examples');
const phased = (args: string[], cwd?: string) => runCliAsync(args, { cwd });

/** Every file under `dir` with its bytes and modification time, to prove nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const e of readdirSync(at, { withFileTypes: true })) {
      const p = join(at, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = `${statSync(p).mtimeMs} ${readFileSync(p, 'base64')}`;
    }
  };
  walk(dir);
  return out;
}

function sqlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.sql'))
    .map((f) => join(dir, f));
}

const googleSql = (sql: string) => parse(sql, { dialect: 'bigquery', paramTypes: ['@name'] });

describe('the plan reference examples', () => {
  it.each(['sqlite', 'bigquery'])('docs/examples/%s passes phased check', async (kind) => {
    const r = await phased(['check', join(EXAMPLES, kind, 'plan.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('is valid');
  });

  it('ships BigQuery SQL that parses as GoogleSQL, and the grammar refuses an unquoted partition alias', () => {
    const files = sqlFiles(join(EXAMPLES, 'bigquery'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) expect(() => googleSql(readFileSync(file, 'utf8')), file).not.toThrow();
    // The same grammar fails the mistake the examples avoid, so passing above means something.
    expect(() => googleSql('SELECT DISTINCT DATE(ordered_at) AS partition FROM `shop.orders`')).toThrow();
  });

  it('ships in the package: the reference, the schema and every template file init copies', () => {
    // What `npm pack` would publish (a dry run: nothing is written or sent).
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const packed = new Set(
      (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path),
    );
    const templates = ['sqlite', 'bigquery'].flatMap((kind) =>
      readdirSync(join(EXAMPLES, kind), { recursive: true, encoding: 'utf8' })
        .filter((f) => statSync(join(EXAMPLES, kind, f)).isFile())
        .map((f) => `docs/examples/${kind}/${f}`),
    );
    for (const file of ['docs/plans.md', 'docs/plan.schema.json', ...templates])
      expect(packed).toContain(file);
  });

  it('shows each example plan in the reference exactly as shipped', () => {
    const reference = readFileSync(join(PROJECT_ROOT, 'docs/plans.md'), 'utf8');
    for (const kind of ['sqlite', 'bigquery']) {
      expect(reference).toContain(readFileSync(join(EXAMPLES, kind, 'plan.yaml'), 'utf8'));
    }
    // Every SQL snippet of the reference is part of a shipped example file.
    const shipped = ['sqlite', 'bigquery'].flatMap((kind) => sqlFiles(join(EXAMPLES, kind)));
    const snippets = [...reference.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    for (const snippet of snippets) {
      expect(
        shipped.some((f) => readFileSync(f, 'utf8').includes(snippet)),
        snippet,
      ).toBe(true);
    }
  });
});

describe('phased init', () => {
  it('writes a SQLite starter with its sample warehouse, which passes check and runs as it stands', async () => {
    const dir = join(tempDir(), 'new-plan');
    const r = await phased(['init', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(snapshotNames(dir)).toEqual([...snapshotNames(join(EXAMPLES, 'sqlite')), 'warehouse.db'].sort());
    expect(r.stdout).toContain('warehouse.db (the sample warehouse: the orders of sample-data.sql)');
    expect(r.stdout).toMatch(/then: phased run \S*plan\.yaml/);
    const check = await phased(['check', join(dir, 'plan.yaml')]);
    expect(check.code, check.stderr).toBe(0);
    // The schema line points at the package's schema from the new folder.
    const first = readFileSync(join(dir, 'plan.yaml'), 'utf8').split('\n')[0];
    const schema = /\$schema=(.+)$/.exec(first)?.[1] ?? '';
    expect(resolve(dir, schema)).toBe(join(PROJECT_ROOT, 'docs/plan.schema.json'));
    const run = await phased([
      '--db',
      join(dir, 'phased.db'),
      'run',
      join(dir, 'plan.yaml'),
      '--run-id',
      'starter',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const db = new Database(join(dir, 'warehouse.db'), { readonly: true });
    const rows = db
      .prepare(
        'SELECT order_date, customer_id, orders, revenue, source_run_id FROM customer_daily ORDER BY 1, 2',
      )
      .raw()
      .all();
    db.close();
    // Worked out by hand from the ten orders in sample-data.sql.
    expect(rows).toEqual([
      ['2024-01-01', 101, 2, 32.25, 'starter'],
      ['2024-01-01', 102, 1, 12.5, 'starter'],
      ['2024-01-02', 103, 1, 40, 'starter'],
      ['2024-01-03', 102, 1, 15, 'starter'],
      ['2024-01-03', 104, 1, 9.99, 'starter'],
      ['2024-01-03', 105, 1, 60, 'starter'],
      ['2024-01-05', 101, 1, 18.75, 'starter'],
      ['2024-01-06', 103, 1, 5, 'starter'],
      ['2024-01-07', 104, 1, 33.3, 'starter'],
    ]);
  });

  it('leaves a warehouse.db that is there already as it is, and says so', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'warehouse.db'), 'not mine to touch\n');
    const before = snapshot(dir)['warehouse.db'];
    const r = await phased(['--json', 'init', '.'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, warehouse: 'sqlite', sampleWarehouse: 'kept' });
    expect(snapshot(dir)['warehouse.db']).toBe(before);
    const text = await phased(['init', 'p'], dir);
    expect(text.stdout).toContain('  warehouse.db (the sample warehouse');
    mkdirSync(join(dir, 'p2'));
    writeFileSync(join(dir, 'p2', 'warehouse.db'), 'x');
    const kept = await phased(['init', 'p2'], dir);
    expect(kept.stdout).toContain(
      'warehouse.db was there already: left as it is (the sample data is not in it)',
    );
    expect(readFileSync(join(dir, 'p2', 'warehouse.db'), 'utf8')).toBe('x');
  });

  it('exits 2 naming the sample warehouse when its file cannot be created, and touches nothing there', async () => {
    const dir = tempDir();
    // A link to a path under a regular file: not there (so not kept), and not creatable, even as root.
    writeFileSync(join(dir, 'blocker'), 'a file\n');
    symlinkSync(join('blocker', 'x.db'), join(dir, 'warehouse.db'));
    const r = await phased(['init', '.'], dir);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('cannot create its sample warehouse warehouse.db (SQLITE_CANTOPEN)');
    expect(r.stderr).toContain('make that path writable');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, 'blocker'), 'utf8')).toBe('a file\n');
    expect(readlinkSync(join(dir, 'warehouse.db'))).toBe(join('blocker', 'x.db'));
  });

  it('writes a BigQuery starter into the current folder by default, and it passes check', async () => {
    const dir = tempDir();
    const r = await phased(['init', '--warehouse', 'bigquery'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(snapshotNames(dir)).toEqual(snapshotNames(join(EXAMPLES, 'bigquery')));
    const check = await phased(['check', 'plan.yaml'], dir);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('warehouse: bigquery');
  });

  it.each(['sqlite', 'bigquery'])(
    'refuses to overwrite a %s starter: exit 2, files unchanged',
    async (kind) => {
      const dir = tempDir();
      expect((await phased(['init', dir, '--warehouse', kind])).code).toBe(0);
      writeFileSync(join(dir, 'plan.yaml'), '# mine\n');
      const before = snapshot(dir);
      const again = await phased(['init', '--warehouse', kind], dir);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('plan.yaml exists');
      expect(again.stderr).not.toMatch(/\n\s+at /);
      expect(snapshot(dir)).toEqual(before);
    },
  );

  it('writes nothing at all when a single file is in the way, and names it', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sql'));
    writeFileSync(join(dir, 'sql', 'partitions.sql'), 'SELECT 1\n');
    const r = await phased(['init', '.'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sql/partitions.sql exists');
    expect(r.stderr).not.toContain('plan.yaml');
    expect(Object.keys(snapshot(dir))).toEqual(['sql/partitions.sql']);
    expect(readFileSync(join(dir, 'sql', 'partitions.sql'), 'utf8')).toBe('SELECT 1\n');
  });

  it('refuses, with exit 2, a target below a file, and lists what it wrote with --json', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes'), 'mine\n');
    const r = await phased(['init', join('notes', 'plan')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("notes is a file, where the plan's folder goes");
    expect(Object.keys(snapshot(dir))).toEqual(['notes']);
    const ok = await phased(['--json', 'init', 'p', '--warehouse', 'bigquery'], dir);
    expect(ok.code, ok.stderr).toBe(0);
    const out = JSON.parse(ok.stdout) as { warehouse: string; files: string[] };
    expect(out.warehouse).toBe('bigquery');
    expect(out.files.sort()).toEqual(snapshotNames(join(dir, 'p')));
  });

  it('refuses an unknown --warehouse with exit 2 and creates nothing', async () => {
    const parent = tempDir();
    const r = await phased(['init', join(parent, 'p'), '--warehouse', 'postgres']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--warehouse postgres is not valid: expected sqlite or bigquery');
    expect(existsSync(join(parent, 'p'))).toBe(false);
  });
});

function snapshotNames(dir: string): string[] {
  return Object.keys(snapshot(dir)).sort();
}
