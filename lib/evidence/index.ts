import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { App } from 'aws-cdk-lib';
import { Finding } from '../compliance/report';
import { strictThresholds } from '../compliance/strict-pack';
import { parseConfig, readConfigFile } from '../config/load';
import { DeploymentConfig } from '../config/schema';
import { acceptedFindingsInAssembly, sha256 } from './assembly';
import { buildEvidence, ConfigSource } from './build';
import { Evidence } from './schema';
import { gitState, writeEvidencePack } from './write';

export { buildEvidence } from './build';
export { readEvidence, writeEvidencePack, EVIDENCE_DIR, MANIFEST_FILE } from './write';
export { verifyEvidence } from './verify';
export type { Evidence } from './schema';

/** Root of this repository: the git state of the synth is read here. */
const REPO_ROOT = path.join(__dirname, '..', '..');

export interface ProduceEvidenceOptions {
  /** Time of the synth (default: now). */
  readonly now?: Date;
  /**
   * The config file the app loaded: its SHA-256 and content go into the provenance, and a file git does not
   * hold (ignored, untracked, outside the repository) makes the provenance dirty. It must hold `config`.
   */
  readonly configFile?: string;
}

/** The provenance of a config file: its path (relative to the repository when inside it), SHA-256 and JSON. */
export function configSourceFromFile(file: string, config: DeploymentConfig): ConfigSource {
  const bytes = fs.readFileSync(file);
  const content = readConfigFile(file);
  if (!isDeepStrictEqual(parseConfig(content, file), config)) {
    throw new Error(`the config file ${file} does not hold the config the app was built with; pass the file the config was loaded from`);
  }
  const rel = path.relative(REPO_ROOT, path.resolve(file));
  return { file: rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(file) : rel, sha256: sha256(bytes), content };
}

/**
 * Build the evidence pack of a synthesized app and write it into its cloud assembly. The acknowledgements are read
 * from the assembly (where `evidence verify` reads them too, so the app itself is not needed); `findings` are the
 * unacknowledged violations of the validation report.
 */
export function produceEvidence(
  _app: App,
  config: DeploymentConfig,
  configName: string,
  assemblyDir: string,
  findings: Finding[],
  options: Date | ProduceEvidenceOptions = {},
): { dir: string; evidence: Evidence } {
  const o: ProduceEvidenceOptions = options instanceof Date ? { now: options } : options;
  const evidence = buildEvidence({
    assemblyDir,
    configName,
    config,
    thresholds: strictThresholds(config),
    accepted: acceptedFindingsInAssembly(assemblyDir),
    findings,
    git: gitState(REPO_ROOT, o.configFile ? [path.resolve(o.configFile)] : []),
    configSource: o.configFile ? configSourceFromFile(o.configFile, config) : undefined,
    now: o.now,
  });
  return { dir: writeEvidencePack(assemblyDir, evidence), evidence };
}
