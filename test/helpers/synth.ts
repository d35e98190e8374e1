import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addReferenceDeployment, HipaaAppOptions } from '../../lib/app';
import { loadConfig, parseConfig } from '../../lib/config/load';
import { DeploymentConfig, DeploymentConfigInput } from '../../lib/config/schema';
import { Finding, readValidationReport, unacknowledgedFindings, ValidationReport } from '../../lib/compliance/report';
import { HipaaStage } from '../../lib/stage';

const CDK_JSON = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

/** The cdk.json context (feature flags), so tests build the app exactly as `cdk synth` does. */
export function cdkContext(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...CDK_JSON.context,
    // Report violations instead of throwing, so tests can read the report.
    '@aws-cdk/core:failSynthOnValidationErrors': false,
    // As the CDK CLI does: construct paths in the template metadata (the evidence pack reads them).
    'aws:cdk:enable-path-metadata': true,
    ...extra,
  };
}

/** A new app with the project's context, writing into a fresh temporary directory. */
export function newApp(): App {
  return new App({ context: cdkContext(), outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-stack-test-')) });
}

/** The default config, optionally changed. */
export function testConfig(overrides: Partial<DeploymentConfigInput> = {}): DeploymentConfig {
  const base = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'config', 'default.json'), 'utf8'));
  return overrides && Object.keys(overrides).length ? parseConfig({ ...base, ...overrides }) : loadConfig('default');
}

export interface SynthResult {
  readonly app: App;
  readonly config: DeploymentConfig;
  /** Root directory of the cloud assembly. */
  readonly assemblyDir: string;
  readonly stage: HipaaStage;
  readonly report: ValidationReport;
  readonly findings: Finding[];
  /** Template of a stack of the stage, by construct id ('Keys', 'Network', ...). */
  template(stackId: string): Template;
}

/**
 * Build the reference deployment and synthesize it. `mutate` runs after construction and before synthesis
 * (for non-compliant edits made the way a careless change would make them).
 */
export function synthReference(
  config: DeploymentConfig = testConfig(),
  options: HipaaAppOptions & { mutate?: (stage: HipaaStage) => void } = {},
): SynthResult {
  const app = newApp();
  const stage = addReferenceDeployment(app, config, options);
  options.mutate?.(stage);
  const assembly = app.synth();
  const report = readValidationReport(assembly.directory);
  const templates = new Map<string, Template>();
  return {
    app,
    config,
    assemblyDir: assembly.directory,
    stage,
    report,
    findings: unacknowledgedFindings(report),
    template(stackId: string): Template {
      if (!templates.has(stackId)) {
        const stack = stage.node.findChild(stackId) as import('aws-cdk-lib').Stack;
        const artifact = stage.synth().getStackArtifact(stack.artifactId);
        templates.set(stackId, Template.fromJSON(artifact.template));
      }
      return templates.get(stackId)!;
    },
  };
}

let cached: SynthResult | undefined;
/**
 * The default deployment without the rule packs, synthesized once per test file: for template assertions.
 * (The packs cost ~6 s a synth; the gate's own tests run them.)
 */
export function defaultDeployment(): SynthResult {
  cached ??= synthReference(testConfig(), { complianceGate: false });
  return cached;
}

let cachedGated: SynthResult | undefined;
/** The default deployment with every rule pack registered, synthesized once per test file. */
export function gatedDeployment(): SynthResult {
  cachedGated ??= synthReference();
  return cachedGated;
}
