/**
 * What makes a benchmark figure reproducible: the machine, how busy it was when the run started, and the exact
 * commit measured. A run on a tree with uncommitted changes measures code no commit holds, so it is refused.
 */
import { execFileSync } from 'child_process';
import * as os from 'os';

export interface Provenance {
  readonly commit: string;
  readonly machine: {
    readonly cpuModel: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly platform: string;
    readonly node: string;
  };
  /** os.loadavg() just before the first measurement: 1, 5 and 15 minute averages. */
  readonly loadAverageBefore: { readonly '1m': number; readonly '5m': number; readonly '15m': number };
  readonly startedAt: string;
}

/** Thrown when results would be written from a tree that is not exactly a commit. */
export class DirtyTreeError extends Error {
  constructor(
    readonly repo: string,
    readonly changes: string[],
  ) {
    super(
      `refusing to write benchmark results: the working tree at ${repo} has uncommitted changes, so no commit holds the code measured:\n` +
        changes.map((c) => `  ${c}`).join('\n') +
        '\ncommit or stash them (git status), then run the benchmark again',
    );
    this.name = 'DirtyTreeError';
  }
}

const git = (repo: string, args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Throw DirtyTreeError unless `git status --porcelain` in `repo` is empty (untracked files count as changes). */
export function assertCleanTree(repo: string): void {
  const changes = git(repo, ['status', '--porcelain']).split('\n').filter(Boolean);
  if (changes.length) throw new DirtyTreeError(repo, changes);
}

/** The commit, machine and load average of a run about to start in `repo`. */
export function provenance(repo: string): Provenance {
  const [one, five, fifteen] = os.loadavg().map((x) => Number(x.toFixed(2)));
  const cpus = os.cpus();
  return {
    commit: git(repo, ['rev-parse', 'HEAD']).trim(),
    machine: {
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
    },
    loadAverageBefore: { '1m': one, '5m': five, '15m': fifteen },
    startedAt: new Date().toISOString(),
  };
}
