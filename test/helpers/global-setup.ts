import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RUN_DIR_ENV } from './run-dir';

/**
 * Once per `jest` run, before any worker starts: a scratch directory for the run (workers inherit the
 * environment), where each distinct configuration of the reference deployment is synthesized once and shared by
 * every test file (test/helpers/synth.ts); removed by global-teardown.ts.
 */
export default function globalSetup(): void {
  process.env[RUN_DIR_ENV] = fs.mkdtempSync(path.join(os.tmpdir(), `hipaa-stack-jest-${process.pid}-`));
  // CDK's built-in CloudFormation template validation costs ~10 s of CPU per test file (its engine is built again
  // in every module registry). Off for the construct-level tests; synthReference turns it on whenever the compliance
  // gate is registered (it is part of the gate, as in `cdk synth`).
  process.env.CDK_VALIDATION = 'false';
  // Node 20 is still supported (package.json engines); the SDK's notice about its future versions is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}
