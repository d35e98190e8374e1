import * as fs from 'fs';
import { RUN_DIR_ENV } from './run-dir';

/** Remove the run's scratch directory (shared assemblies and every app a test synthesized). */
export default function globalTeardown(): void {
  const dir = process.env[RUN_DIR_ENV];
  if (dir && !process.env.KEEP_TEST_ASSEMBLIES) fs.rmSync(dir, { recursive: true, force: true });
}
