import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { acceptedFindings } from '../baseline/acknowledge';
import { Finding } from '../compliance/report';
import { strictThresholds } from '../compliance/strict-pack';
import { DeploymentConfig } from '../config/schema';
import { buildEvidence } from './build';
import { Evidence } from './schema';
import { gitState, writeEvidencePack } from './write';

export { buildEvidence } from './build';
export { readEvidence, writeEvidencePack, EVIDENCE_DIR } from './write';
export type { Evidence } from './schema';

/** Build the evidence pack of a synthesized app and write it into its cloud assembly. */
export function produceEvidence(
  app: App,
  config: DeploymentConfig,
  configName: string,
  assemblyDir: string,
  findings: Finding[],
  now?: Date,
): { dir: string; evidence: Evidence } {
  const evidence = buildEvidence({
    assemblyDir,
    configName,
    config,
    thresholds: strictThresholds(config),
    accepted: acceptedFindings(app),
    findings,
    git: gitState(path.join(__dirname, '..', '..')),
    now,
  });
  return { dir: writeEvidencePack(assemblyDir, evidence), evidence };
}
