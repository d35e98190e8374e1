import * as fs from 'fs';
import * as path from 'path';
import { RecordedFinding } from '../baseline/acknowledge';
import { DATA_CLASS_TAG } from '../baseline/contract';
import { Finding } from '../compliance/report';
import { NON_COMPLIANT, ResourceView, STRICT_RULES, StrictThresholds } from '../compliance/rules';
import { DeploymentConfig } from '../config/schema';
import { behaviouralEvidence, NOT_PROVABLE_OFFLINE } from '../behaviour/evidence';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { describeValue, readStackTemplates, sha256, StackTemplate } from './assembly';
import { controlTowerRuleNames } from '../compliance/control-tower';
import { CONTROLS, ControlDefinition, controlVerdict, HIPAA_SECTIONS } from './controls';
import { ControlEvidence, ControlStatus, Evidence, EVIDENCE_SCHEMA_VERSION } from './schema';
import { trustCenter } from './trust-center';

export interface EvidenceInput {
  /** Root of the synthesized cloud assembly (e.g. cdk.out). */
  readonly assemblyDir: string;
  readonly configName: string;
  readonly config: DeploymentConfig;
  readonly thresholds: StrictThresholds;
  /** Every acknowledgement in the app (reason and compensating control). */
  readonly accepted: RecordedFinding[];
  /** Unacknowledged violations from the validation report. */
  readonly findings: Finding[];
  readonly git: { commit: string | null; dirty: boolean | null; dirtyFiles?: string[] };
  /** The config file the app loaded (see `configSource`); without it, the config object itself is recorded. */
  readonly configSource?: ConfigSource;
  readonly now?: Date;
}

/** Where the config came from: its file, the SHA-256 of the file's bytes, and its JSON as loaded. */
export interface ConfigSource {
  readonly file: string | null;
  readonly sha256: string;
  readonly content: unknown;
}

/** A config given in code, with no file: recorded as its JSON, and the SHA-256 of that JSON (2-space, final newline). */
export function configSourceOf(config: DeploymentConfig): ConfigSource {
  const content = JSON.parse(JSON.stringify(config)) as unknown;
  return { file: null, sha256: sha256(JSON.stringify(content, undefined, 2) + '\n'), content };
}

/** The `sha256sum` listing of the templates (sorted by file), hashed: one digest for the whole set. */
export function templatesDigest(templates: ReadonlyArray<{ file: string; sha256: string }>): string {
  const lines = [...templates]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map((t) => `${t.sha256}  ${t.file}\n`)
    .join('');
  return sha256(lines);
}

/** Versions of the tools that built the pack. */
export function toolVersions(): Evidence['provenance']['versions'] {
  return {
    hipaaStack: (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version,
    awsCdkLib: packageVersion('aws-cdk-lib'),
    cdkNag: packageVersion('cdk-nag'),
    cdkValidatorCfnguard: packageVersion('@cdklabs/cdk-validator-cfnguard'),
    guardRules: guardRulesVersion(),
    node: process.version,
    // The CDK CLI tells the app its version in this variable (aws-cdk-lib/cx-api CLI_VERSION_ENV).
    cdkCli: process.env[cxapi.CLI_VERSION_ENV] ?? null,
  };
}

/** Safety-ordered statuses: the worst decides. */
const RANK: Record<ControlStatus, number> = { met: 0, 'met-with-accepted-finding': 1, 'not-met': 2 };
const worst = (xs: ControlStatus[]): ControlStatus => xs.reduce<ControlStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'met');

/** What each data-bearing type holds, for the inventory. */
const HOLDS: Record<string, string> = {
  'AWS::S3::Bucket': 'objects',
  'AWS::RDS::DBInstance': 'PHI database',
  'AWS::SQS::Queue': 'work messages (ids)',
  'AWS::SNS::Topic': 'security alerts',
  'AWS::Logs::LogGroup': 'logs',
  'AWS::SecretsManager::Secret': 'database credentials',
  'AWS::Backup::BackupVault': 'database recovery points',
};

function packageVersion(name: string): string {
  const file = require.resolve(`${name}/package.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

function guardRulesVersion(): string {
  const file = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'guard-version.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The ids under which a control's rules are reported and acknowledged. */
function reportedIds(def: ControlDefinition): { ids: Set<string>; guard: Set<string> } {
  const ct = controlTowerRuleNames();
  const guard = new Set((def.controlTower ?? []).map((id) => ct.get(id)).filter((x): x is string => Boolean(x)));
  const ids = new Set([
    ...(def.hipaa ?? []),
    ...(def.nist ?? []),
    ...def.strict.map((s) => `HIPAA.Strict-${s}`),
    ...[...guard].map((g) => `cdk-validator-cfnguard::${g}`),
  ]);
  return { ids, guard };
}

function evaluateControl(def: ControlDefinition, stacks: StackTemplate[], input: EvidenceInput): ControlEvidence {
  const { ids, guard } = reportedIds(def);
  const resources: ControlEvidence['resources'] = [];
  for (const stack of stacks) {
    const views: ResourceView[] = def.types.includes('*') ? stack.view.all() : def.types.flatMap((t) => stack.view.resourcesOfType(t));
    for (const r of views.filter((v) => def.select?.(v) ?? true)) {
      const covers = (a: RecordedFinding) => r.path === a.path || r.path.startsWith(`${a.path}/`);
      const accepted = [...new Set(input.accepted.filter((a) => ids.has(a.ruleId) && covers(a)).map((a) => a.ruleId))];
      const failed: string[] = [];
      for (const id of def.strict) {
        const rule = STRICT_RULES.find((x) => x.id === id)!;
        const result = rule.check(r, input.thresholds);
        const nonCompliant = result === NON_COMPLIANT || (Array.isArray(result) && result.length > 0);
        if (nonCompliant && !accepted.includes(`HIPAA.Strict-${id}`)) failed.push(`HIPAA.Strict-${id}`);
      }
      for (const f of input.findings) {
        const rule =
          f.plugin === 'cdk-validator-cfnguard'
            ? guard.has(f.rule)
              ? `cdk-validator-cfnguard::${f.rule}`
              : undefined
            : ids.has(f.rule)
              ? f.rule
              : undefined;
        if (rule && (f.constructPath === r.path || f.constructPath.startsWith(`${r.path}/`))) failed.push(rule);
      }
      const uniqueFailed = [...new Set(failed)];
      const values = Object.fromEntries(Object.entries(def.values(r)).map(([k, v]) => [k, describeIfRef(v, stack, stacks)]));
      resources.push({
        stack: stack.id,
        logicalId: r.logicalId,
        path: r.path,
        type: r.type,
        status: uniqueFailed.length ? 'not-met' : accepted.length ? 'met-with-accepted-finding' : 'met',
        values,
        failed: uniqueFailed,
        accepted,
      });
    }
  }
  const status = controlVerdict(
    def,
    resources.map((r) => r.status),
  );
  return {
    id: def.id,
    title: def.title,
    sections: def.sections,
    status,
    rules: {
      hipaa: def.hipaa ?? [],
      nist: def.nist ?? [],
      controlTower: def.controlTower ?? [],
      strict: def.strict.map((s) => `HIPAA.Strict-${s}`),
    },
    resources,
  };
}

/** References inside values (keys, buckets) become readable names. */
function describeIfRef(v: unknown, stack: StackTemplate, stacks: StackTemplate[]): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return describeValue(v, stack, stacks);
  }
  return v;
}

function inventory(stacks: StackTemplate[]): Evidence['dataInventory'] {
  const out: Evidence['dataInventory'] = [];
  for (const stack of stacks) {
    for (const r of stack.view.all().filter((x) => HOLDS[x.type])) {
      const p = r.props;
      const d = (v: unknown) => describeValue(v, stack, stacks);
      const deletion = `DeletionPolicy ${r.resource.DeletionPolicy ?? 'Delete'}`;
      const inBackupPlan = stack.view
        .resourcesOfType('AWS::Backup::BackupSelection')
        .some((s) => JSON.stringify(s.props).includes(`"${r.logicalId}"`));
      let row: Omit<Evidence['dataInventory'][number], 'stack' | 'logicalId' | 'path' | 'type' | 'deletion'>;
      switch (r.type) {
        case 'AWS::S3::Bucket': {
          const sse = (
            p.BucketEncryption as
              | {
                  ServerSideEncryptionConfiguration?: Array<{
                    ServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: unknown };
                  }>;
                }
              | undefined
          )?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
          const lock = (p.ObjectLockConfiguration as { Rule?: { DefaultRetention?: { Mode?: string; Years?: number } } } | undefined)?.Rule
            ?.DefaultRetention;
          const expiry = ((p.LifecycleConfiguration as { Rules?: Array<{ ExpirationInDays?: number }> } | undefined)?.Rules ?? [])
            .map((x) => x.ExpirationInDays)
            .filter(Boolean);
          const dataClass = ((p.Tags ?? []) as Array<{ Key: string; Value: string }>).find((t) => t.Key === DATA_CLASS_TAG)?.Value;
          row = {
            holds:
              dataClass === 'audit'
                ? 'audit records'
                : dataClass === 'access-logs'
                  ? 'access logs'
                  : dataClass === 'phi'
                    ? 'PHI objects (per-tenant prefixes)'
                    : HOLDS[r.type],
            encryptionKey: sse?.SSEAlgorithm === 'AES256' ? 'SSE-S3 (AES-256, AWS-managed)' : d(sse?.KMSMasterKeyID),
            retention: `${lock ? `Object Lock ${lock.Mode} ${lock.Years} years; ` : ''}${expiry.length ? `expires after ${Math.min(...(expiry as number[]))} days` : 'no expiry'}`,
            backup: `${(p.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled' ? 'versioned' : 'not versioned'}${inBackupPlan ? '; AWS Backup plan (daily)' : ''}`,
            replication: p.ReplicationConfiguration
              ? 'cross-region replication'
              : inBackupPlan
                ? 'AWS Backup copies to the DR region'
                : 'none (see accepted findings)',
          };
          break;
        }
        case 'AWS::RDS::DBInstance':
          row = {
            holds: HOLDS[r.type],
            encryptionKey: d(p.KmsKeyId),
            retention: `automated backups ${String(p.BackupRetentionPeriod)} days (point-in-time recovery)`,
            backup: inBackupPlan ? 'AWS Backup plan (daily)' : 'automated backups only',
            replication: `${p.MultiAZ === true ? 'Multi-AZ standby' : 'single AZ'}; backup copies to the DR region`,
          };
          break;
        case 'AWS::Logs::LogGroup':
          row = {
            holds: HOLDS[r.type],
            encryptionKey: d(p.KmsKeyId),
            retention: `${String(p.RetentionInDays ?? 'never expires')} days`,
            backup: 'n/a',
            replication: 'none',
          };
          break;
        case 'AWS::Backup::BackupVault': {
          const lock = p.LockConfiguration as { MinRetentionDays?: number } | undefined;
          row = {
            holds: HOLDS[r.type],
            encryptionKey: d(p.EncryptionKeyArn),
            retention: lock ? `Vault Lock: at least ${lock.MinRetentionDays} days` : 'no Vault Lock',
            backup: 'n/a',
            replication: stack.region,
          };
          break;
        }
        case 'AWS::SQS::Queue':
          row = {
            holds: HOLDS[r.type],
            encryptionKey: d(p.KmsMasterKeyId),
            retention: `${String(p.MessageRetentionPeriod ?? 345600)} seconds`,
            backup: 'n/a',
            replication: 'none',
          };
          break;
        default:
          row = {
            holds: HOLDS[r.type],
            encryptionKey: d(p.KmsMasterKeyId ?? p.KmsKeyId),
            retention: 'n/a',
            backup: 'n/a',
            replication: 'none',
          };
      }
      out.push({ stack: stack.id, logicalId: r.logicalId, path: r.path, type: r.type, deletion, ...row });
    }
  }
  return out;
}

/** What no template can prove, said plainly. */
export const OUT_OF_SCOPE: readonly string[] = [
  'The Business Associate Addendum with AWS (signed in AWS Artifact) and with every other vendor handling PHI.',
  'Administrative safeguards of 164.308: risk analysis and risk management, sanction policy, workforce security and training, security awareness, access authorization and review procedures.',
  'Incident response and breach notification procedures (164.308(a)(6), 164.400-414): the alerts exist here; who answers them, and how, does not.',
  'Contingency plan testing and revision (164.308(a)(7)(ii)(D)): backups and a DR copy exist; restores must be rehearsed.',
  'Physical safeguards of 164.310 (facility access, workstations, device and media controls): AWS data centers under the shared-responsibility model, and your own offices and devices.',
  'Application-level controls: user authentication, authorization between tenants inside the application, audit events the application writes, automatic logoff.',
  'That the deployed account matches these templates: run the live verification against the account, and review CloudTrail for drift.',
];

/** Build the evidence for a synthesized assembly. */
export function buildEvidence(input: EvidenceInput): Evidence {
  const stacks = readStackTemplates(input.assemblyDir);
  const behaviour = behaviouralEvidence(input.assemblyDir);
  // A control is met only when its rules pass and none of the interactions it relies on failed.
  const controls = CONTROLS.map((def) => {
    const c = evaluateControl(def, stacks, input);
    const cited = behaviour.filter((b) => b.controls.includes(def.id));
    const failed = cited.some((b) => b.status === 'failed');
    return { ...c, status: failed ? ('not-met' as const) : c.status, interactions: cited.map((b) => b.id) };
  });
  const sections = HIPAA_SECTIONS.map((s) => {
    const ids = controls.filter((c) => c.sections.includes(s.section));
    return {
      section: s.section,
      title: s.title,
      controls: ids.map((c) => c.id),
      status: ids.length ? worst(ids.map((c) => c.status)) : ('not-met' as const),
    };
  });
  const c = input.config;
  return {
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    generatedAt: (input.now ?? new Date()).toISOString(),
    provenance: {
      gitCommit: input.git.commit,
      gitDirty: input.git.dirty,
      gitDirtyFiles: input.git.dirtyFiles ?? [],
      configName: input.configName,
      config: { ...(input.configSource ?? configSourceOf(c)) },
      environment: c.environment,
      regions: { primary: c.region, disasterRecovery: c.drRegion },
      account: c.account ?? null,
      versions: toolVersions(),
      templatesDigest: templatesDigest(stacks),
      templates: stacks.map((s) => ({ stack: s.stackName, region: s.region, file: s.file, sha256: s.sha256 })),
    },
    summary: {
      controls: controls.length,
      met: controls.filter((x) => x.status === 'met').length,
      metWithAcceptedFinding: controls.filter((x) => x.status === 'met-with-accepted-finding').length,
      notMet: controls.filter((x) => x.status === 'not-met').length,
    },
    sections,
    controls,
    acceptedFindings: input.accepted.map((a) => ({
      rule: a.ruleId,
      path: a.path,
      reason: a.reason,
      compensatingControl: a.compensatingControl,
    })),
    dataInventory: inventory(stacks),
    outOfScope: [...OUT_OF_SCOPE],
    behaviour: { records: behaviour, notProvableOffline: [...NOT_PROVABLE_OFFLINE] },
    trustCenter: trustCenter(controls),
  };
}
