import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assertCleanTree, DirtyTreeError, provenance } from '../bench/provenance';

// The benchmark's figures name the commit they measure, so it refuses to write them from a tree with changes.
const repo = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-provenance-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'user.name', 'bench');
  fs.writeFileSync(path.join(dir, 'a.txt'), 'one\n');
  git('add', '.');
  git('commit', '-qm', 'one');
  return { dir, git };
};

test('a clean tree passes; its commit, machine and load average are recorded', () => {
  const { dir, git } = repo();
  expect(() => assertCleanTree(dir)).not.toThrow();
  const p = provenance(dir);
  expect(p.commit).toBe(git('rev-parse', 'HEAD').toString().trim());
  expect(p.machine.cores).toBe(os.cpus().length);
  expect(p.machine.cpuModel).not.toBe('');
  expect(p.machine.memoryGiB).toBeGreaterThan(0);
  expect(Object.keys(p.loadAverageBefore)).toEqual(['1m', '5m', '15m']);
});

test.each([
  ['a modified file', (dir: string) => fs.writeFileSync(path.join(dir, 'a.txt'), 'two\n'), ' M a.txt'],
  ['an untracked file', (dir: string) => fs.writeFileSync(path.join(dir, 'b.txt'), 'new\n'), '?? b.txt'],
])('%s is refused, the change named', (_what, change, line) => {
  const { dir } = repo();
  change(dir);
  let error: unknown;
  try {
    assertCleanTree(dir);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DirtyTreeError);
  expect((error as DirtyTreeError).changes).toEqual([line]);
  expect((error as Error).message).toMatch(/refusing to write benchmark results: .* uncommitted changes/);
});

test('npm run bench on a dirty tree exits 2 before measuring, and writes nothing', () => {
  // The real script, run from a copy of bench/ inside a dirty temporary repository.
  const { dir } = repo();
  fs.cpSync(path.join(__dirname, '..', 'bench'), path.join(dir, 'bench'), { recursive: true });
  fs.rmSync(path.join(dir, 'bench', 'results'), { recursive: true, force: true });
  const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, [path.join(dir, 'bench', 'synth-bench.ts'), '--runs', '1', '--tenants', '0'], { cwd: dir, encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/refusing to write benchmark results: the working tree at .* has uncommitted changes/);
  expect(r.stderr).toContain('?? bench/');
  expect(fs.existsSync(path.join(dir, 'bench', 'results'))).toBe(false);
});
