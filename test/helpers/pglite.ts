import { execFileSync } from 'child_process';
import * as path from 'path';

export interface SqlStep {
  /** Run as this role (SET SESSION AUTHORIZATION); default: the bootstrap superuser. */
  readonly as?: string;
  readonly sql: string;
}
export interface SqlResult {
  readonly rows?: Array<Record<string, unknown>>;
  readonly error?: string;
}

/** Runs the steps, in order, on one fresh PGlite database (PostgreSQL 18, in a child process). */
export function runOnPglite(steps: readonly SqlStep[]): SqlResult[] {
  const root = path.join(__dirname, '..', '..');
  const out = execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(__dirname, 'pglite-driver.ts')], {
    input: JSON.stringify(steps),
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.toString('utf8')) as SqlResult[];
}
