import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { collectChecks, CollectOptions, ComplianceChecks } from './checks';
import { JUNIT_FILE, toJUnit } from './junit';
import { SARIF_FILE, toSarif } from './sarif';

export { collectChecks, sourceOf, CONTROL_TOWER_PLUGIN } from './checks';
export type { CheckResult, CheckStatus, ComplianceChecks, RuleDescription, SourceLocation } from './checks';
export { formatFindingsByResource } from './findings-text';
export { acceptCall } from './accept-call';
export { toSarif, SARIF_FILE, FINGERPRINT_KEY } from './sarif';
export { toJUnit, JUNIT_FILE } from './junit';

/** Write a file beside and rename it into place, so a reader never sees it half-written. */
function writeAtomic(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/**
 * Write the SARIF log and the JUnit report of one synthesis into the root of the cloud assembly, beside
 * `validation-report.json`.
 */
export function writeComplianceReports(
  root: IConstruct,
  assemblyDir: string,
  options: CollectOptions = {},
): { checks: ComplianceChecks; sarif: string; junit: string } {
  const checks = collectChecks(root, assemblyDir, options);
  const sarif = path.join(assemblyDir, SARIF_FILE);
  const junit = path.join(assemblyDir, JUNIT_FILE);
  writeAtomic(sarif, JSON.stringify(toSarif(checks, assemblyDir, options.cwd), undefined, 2) + '\n');
  writeAtomic(junit, toJUnit(checks));
  return { checks, sarif, junit };
}
