import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { addReferenceDeployment, HipaaAppOptions } from '../../lib/app';
import { loadConfig, parseConfig } from '../../lib/config/load';
import { DeploymentConfig, DeploymentConfigInput } from '../../lib/config/schema';
import { Finding, readValidationReport, unacknowledgedFindings, ValidationReport } from '../../lib/compliance/report';
import { HipaaStage } from '../../lib/stage';
import { RUN_DIR_ENV } from './run-dir';

const CDK_JSON = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

/**
 * The cdk.json context (feature flags), so tests build the app exactly as `cdk synth` does; except that no asset
 * is bundled (no esbuild run per Lambda function per synth): the templates still name an asset for each function,
 * with a hash of its construct path instead of its content. A test of the bundle itself passes
 * `{ 'aws:cdk:bundling-stacks': ['**'] }`.
 */
export function cdkContext(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...CDK_JSON.context,
    // Report violations instead of throwing, so tests can read the report.
    '@aws-cdk/core:failSynthOnValidationErrors': false,
    // As the CDK CLI does: construct paths in the template metadata (the evidence pack reads them).
    'aws:cdk:enable-path-metadata': true,
    // Stack name patterns whose assets are bundled (none; `cdk synth` bundles every stack).
    'aws:cdk:bundling-stacks': [],
    ...extra,
  };
}

/** Where this test run keeps its assemblies (set by test/helpers/global-setup.ts and removed after the run). */
function runDir(): string | undefined {
  const dir = process.env[RUN_DIR_ENV];
  return dir && fs.existsSync(dir) ? dir : undefined;
}

const tmpDir = (prefix: string) => fs.mkdtempSync(path.join(runDir() ?? os.tmpdir(), prefix));

/** A new app with the project's context, writing into a fresh temporary directory. */
export function newApp(outdir: string = tmpDir('hipaa-stack-test-')): App {
  return new App({ context: cdkContext(), outdir });
}

/** The default config, optionally changed. */
export function testConfig(overrides: Partial<DeploymentConfigInput> = {}): DeploymentConfig {
  const base = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'config', 'default.json'), 'utf8'));
  return overrides && Object.keys(overrides).length ? parseConfig({ ...base, ...overrides }) : loadConfig('default');
}

export interface SynthResult {
  readonly app: App;
  readonly config: DeploymentConfig;
  /** Root directory of the cloud assembly (the test's own: it may write into it). */
  readonly assemblyDir: string;
  readonly stage: HipaaStage;
  readonly report: ValidationReport;
  readonly findings: Finding[];
  /** Template of a stack of the stage, by construct id ('Keys', 'Network', ...). */
  template(stackId: string): Template;
}

/**
 * Run `synth` with CDK's built-in CloudFormation template validation on or off. The test run turns it off
 * (CDK_VALIDATION=false, test/helpers/global-setup.ts): its engine costs ~10 s of CPU per test file. It is part of
 * the compliance gate, so every synthesis with the gate registered runs it, as `cdk synth` does.
 */
function withCloudFormationValidation<T>(on: boolean, synth: () => T): T {
  const before = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = on ? 'true' : 'false';
  try {
    return synth();
  } finally {
    if (before === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = before;
  }
}

type ReferenceOptions = HipaaAppOptions & { mutate?: (stage: HipaaStage) => void };

/** Build the reference deployment and synthesize it in this process, into `outdir`. */
function synthInProcess(config: DeploymentConfig, options: ReferenceOptions, outdir?: string): SynthResult {
  const app = newApp(outdir);
  const stage = addReferenceDeployment(app, config, options);
  options.mutate?.(stage);
  const assembly = withCloudFormationValidation(options.complianceGate ?? true, () => app.synth());
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
        const stack = stage.node.findChild(stackId) as Stack;
        const artifact = stage.synth().getStackArtifact(stack.artifactId);
        templates.set(stackId, Template.fromJSON(artifact.template));
      }
      return templates.get(stackId)!;
    },
  };
}

/** Sleep without returning to the event loop (the helpers are synchronous). */
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryLock(lock: string): boolean {
  try {
    fs.mkdirSync(lock);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * The cloud assembly of one configuration, synthesized once per test run and shared by every test file (jest
 * workers are separate processes, hence on disk): the first file that needs it synthesizes it under a lock,
 * the others wait for it. Returns the directory and, in the process that synthesized it, the result.
 */
function sharedAssembly(root: string, key: string, synth: (outdir: string) => SynthResult): { dir: string; local?: SynthResult } {
  const dir = path.join(root, key);
  const done = path.join(root, `${key}.done`);
  const lock = path.join(root, `${key}.lock`);
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    if (fs.existsSync(done)) return { dir };
    if (!tryLock(lock)) {
      // Another worker is synthesizing it; take over only if that worker died.
      const owner = Number(fs.existsSync(path.join(lock, 'pid')) ? fs.readFileSync(path.join(lock, 'pid'), 'utf8') : NaN);
      if (Number.isInteger(owner) && !alive(owner)) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for the shared assembly ${dir} (lock ${lock})`);
      else sleep(100);
      continue;
    }
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      const local = synth(dir);
      fs.writeFileSync(done, '');
      return { dir, local };
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** The same reference deployment read from a shared assembly; the construct tree is built again only if asked for. */
function fromSharedAssembly(dir: string, config: DeploymentConfig, tree: () => SynthResult): SynthResult {
  let own: SynthResult | undefined;
  let copy: string | undefined;
  let cloud: CloudAssembly | undefined;
  const templates = new Map<string, Template>();
  const report = readValidationReport(dir);
  return {
    config,
    report,
    findings: unacknowledgedFindings(report),
    get app() {
      return (own ??= tree()).app;
    },
    get stage() {
      return (own ??= tree()).stage;
    },
    get assemblyDir() {
      if (!copy) {
        copy = tmpDir('hipaa-stack-assembly-');
        fs.cpSync(dir, copy, { recursive: true });
      }
      return copy;
    },
    template(stackId: string): Template {
      if (!templates.has(stackId)) {
        cloud ??= new CloudAssembly(dir);
        const id = `${config.environment}/${stackId}`;
        const artifact = cloud.stacksRecursively.find((s) => s.hierarchicalId === id);
        if (!artifact)
          throw new Error(`no stack ${id} in ${dir} (stacks: ${cloud.stacksRecursively.map((s) => s.hierarchicalId).join(', ')})`);
        templates.set(stackId, Template.fromJSON(artifact.template));
      }
      return templates.get(stackId)!;
    },
  };
}

/**
 * Build the reference deployment and synthesize it. `mutate` runs after construction and before synthesis
 * (for non-compliant edits made the way a careless change would make them).
 *
 * Without `mutate`, each distinct (config, gate) is synthesized once per test run and shared between test files:
 * templates, report and findings come from that assembly; `assemblyDir` is a copy of it for this file; `app` and
 * `stage` (the construct tree) are built and synthesized again in this file when first read.
 */
export function synthReference(config: DeploymentConfig = testConfig(), options: ReferenceOptions = {}): SynthResult {
  const root = runDir();
  if (options.mutate || !root) return synthInProcess(config, options);
  const gate = options.complianceGate ?? true;
  const key = `${gate ? 'gated' : 'plain'}-${crypto.createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16)}`;
  const { dir, local } = sharedAssembly(root, key, (outdir) => synthInProcess(config, options, outdir));
  return fromSharedAssembly(dir, config, () => local ?? synthInProcess(config, options));
}

let cached: SynthResult | undefined;
/**
 * The default deployment without the rule packs: for template assertions (shared by the test files of a run).
 * (The packs cost ~6 s a synth; the gate's own tests run them.)
 */
export function defaultDeployment(): SynthResult {
  cached ??= synthReference(testConfig(), { complianceGate: false });
  return cached;
}

let cachedGated: SynthResult | undefined;
/** The default deployment with every rule pack registered (shared by the test files of a run). */
export function gatedDeployment(): SynthResult {
  cachedGated ??= synthReference();
  return cachedGated;
}
