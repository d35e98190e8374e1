import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { acknowledgementOf, NagCheckLog, NagRuleInfo } from '../compliance/check-log';
import { guardRules } from '../compliance/guard-rules';
import { STRICT_PACK_NAME } from '../compliance/strict-pack';
import { PluginReport, readValidationReport, ReportViolation } from '../compliance/report';
import { readStackTemplates, StackTemplate } from '../evidence/assembly';
import { CONTROLS } from '../evidence/controls';

const CDK_NAG_VERSION = (JSON.parse(fs.readFileSync(require.resolve('cdk-nag/package.json'), 'utf8')) as { version: string }).version;

/** The validator name `@cdklabs/cdk-validator-cfnguard` reports under (Control Tower proactive controls). */
export const CONTROL_TOWER_PLUGIN = 'cdk-validator-cfnguard';

export type CheckStatus = 'passed' | 'failed' | 'acknowledged';
export type CheckLevel = 'error' | 'warning' | 'note';

/** A rule of one pack, described for people and for CI tools. */
export interface RuleDescription {
  readonly pack: string;
  /** The id acknowledgements take, e.g. `HIPAA.Security-S3BucketReplicationEnabled` or `cdk-validator-cfnguard::<rule>`. */
  readonly id: string;
  /** The id as the pack reports it, e.g. `s3_bucket_versioning_enabled_check`. */
  readonly name: string;
  /** One line: what a failing resource lacks. */
  readonly title: string;
  /** Why the rule exists. */
  readonly description: string;
  /** How to fix a failing resource. */
  readonly fix: string;
  /** The 45 CFR 164 sections the rule stands for (empty when no mapping is known). */
  readonly hipaaSections: string[];
  /** Other control ids the pack cites (NIST 800-53 rev5, Control Tower). */
  readonly controlIds: string[];
  readonly level: CheckLevel;
  readonly helpUri?: string;
}

/** Where in the user's code a construct was created (from the CDK's construct creation stack trace). */
export interface SourceLocation {
  /** Relative to the working directory of the synth. */
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** One rule checked on one resource. */
export interface CheckResult {
  readonly rule: RuleDescription;
  readonly status: CheckStatus;
  readonly constructPath: string;
  readonly logicalId?: string;
  readonly stackName?: string;
  /** The template file, relative to the cloud assembly root. */
  readonly templatePath?: string;
  readonly source?: SourceLocation;
  /** The acknowledgement's reason (status `acknowledged`). */
  readonly reason?: string;
  /** Where the acknowledgement sits (the construct or an ancestor). */
  readonly acknowledgedAt?: string;
  /** The pack's message for this resource (a rule error, for instance), when it differs from the rule title. */
  readonly detail?: string;
}

export interface ComplianceChecks {
  readonly packs: Array<{ readonly name: string; readonly version?: string; readonly method: string }>;
  readonly rules: RuleDescription[];
  readonly results: CheckResult[];
}

/** The metadata entry where the CDK records a construct's creation stack trace (on by default). */
const CREATION_STACK = 'aws:cdk:creationStack';

/**
 * The first frame of a construct's creation stack trace that is the app's own code. The CDK records the trace
 * on every CfnElement unless `aws:cdk:disable-creation-stack-traces` is set, with library frames collapsed to
 * `...in aws-cdk-lib...`, so the first full frame is where the user's code made the construct.
 */
export function sourceOf(construct: IConstruct, cwd: string = process.cwd()): SourceLocation | undefined {
  const entry = construct.node.metadata.find((m) => m.type === CREATION_STACK);
  const frames = Array.isArray(entry?.data) ? (entry.data as string[]) : [];
  for (const f of frames) {
    const m = /\(?((?:[A-Za-z]:)?[^():]+):(\d+):(\d+)\)?$/.exec(f.trim());
    if (!m || f.trim().startsWith('...')) continue;
    const file = path.relative(cwd, m[1]).split(path.sep).join('/');
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

/** Control ids a cdk-nag rule cites: `... - (Control IDs: 164.312(a)(1), 164.312(b)).` */
function citedIds(info: string): string[] {
  const m = /\((?:Control IDs?|45 CFR):? (.*)\)\.?\s*$/.exec(info);
  return m ? m[1].split(/,\s*/).map((s) => s.trim()) : [];
}

const LEVEL: Record<string, CheckLevel> = {
  [NagMessageLevel.ERROR]: 'error',
  [NagMessageLevel.WARN]: 'warning',
  error: 'error',
  warning: 'warning',
};

function describeNagRule(rule: NagRuleInfo, all: Map<string, NagRuleInfo>): RuleDescription {
  const ids = citedIds(rule.info);
  const hipaa = new Set(ids.filter((i) => i.startsWith('164.')));
  const suffix = rule.id.slice(rule.pack.length + 1);
  // A NIST rule with the same check in the HIPAA Security pack answers the same HIPAA sections.
  const twin = all.get(`HIPAA.Security-${suffix}`);
  if (twin) citedIds(twin.info).forEach((i) => i.startsWith('164.') && hipaa.add(i));
  for (const c of CONTROLS) {
    if ([...(c.hipaa ?? []), ...(c.nist ?? [])].includes(rule.id) || (rule.pack === 'HIPAA.Strict' && c.strict.includes(suffix)))
      c.sections.forEach((s) => hipaa.add(s));
  }
  const title = rule.info.replace(/\s*-\s*\((?:Control IDs?|45 CFR).*$/, '');
  return {
    pack: rule.pack,
    id: rule.id,
    name: rule.id,
    title,
    description: rule.explanation,
    // cdk-nag states what is missing ("The KMS key does not have ..."); the fix is to provide it.
    fix: `configure the resource so that this no longer holds: "${title.replace(/\.$/, '')}".`,
    hipaaSections: [...hipaa].sort(),
    controlIds: ids.filter((i) => !i.startsWith('164.')),
    level: LEVEL[rule.level] ?? 'warning',
    helpUri: rule.pack === 'HIPAA.Strict' ? undefined : 'https://github.com/cdklabs/cdk-nag/blob/main/RULES.md',
  };
}

function describeGuardRule(name: string, violation?: ReportViolation): RuleDescription {
  const rule = guardRules().find((r) => r.name === name);
  const sections = new Set<string>();
  if (rule) for (const c of CONTROLS) if (c.controlTower?.includes(rule.controlId)) c.sections.forEach((s) => sections.add(s));
  return {
    pack: CONTROL_TOWER_PLUGIN,
    id: `${CONTROL_TOWER_PLUGIN}::${name}`,
    name,
    title: rule ? `[${rule.controlId}] ${rule.title}` : (violation?.description ?? name),
    description: rule?.description ?? violation?.description ?? name,
    fix: rule?.fix ?? (violation as { suggestedFix?: string } | undefined)?.suggestedFix ?? '',
    hipaaSections: [...sections].sort(),
    controlIds: rule ? [rule.controlId] : [],
    level: LEVEL[violation?.severity ?? 'error'] ?? 'error',
    helpUri: 'https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html',
  };
}

interface ResourceIndex {
  templates: StackTemplate[];
  byPath: Map<string, IConstruct>;
  where(resource: CfnResource): { logicalId: string; stackName: string; templatePath?: string };
}

function indexResources(root: IConstruct, assemblyDir: string): ResourceIndex {
  const templates = readStackTemplates(assemblyDir);
  const byPath = new Map(root.node.findAll().map((c) => [c.node.path, c] as const));
  return {
    templates,
    byPath,
    where(resource) {
      const stack = Stack.of(resource);
      const stackName = stack.stackName;
      return {
        logicalId: String(stack.resolve(resource.logicalId)),
        stackName,
        templatePath: templates.find((t) => t.stackName === stackName)?.file,
      };
    },
  };
}

/** What the cdk-nag packs checked: every applicable rule × resource from the check log. */
function nagResults(log: NagCheckLog, index: ResourceIndex, cwd: string): { rules: RuleDescription[]; results: CheckResult[] } {
  const infos = new Map(log.ruleInfos().map((r) => [r.id, r]));
  const rules = new Map<string, RuleDescription>();
  const describe = (r: NagRuleInfo) => {
    if (!rules.has(r.id)) rules.set(r.id, describeNagRule(r, infos));
    return rules.get(r.id)!;
  };
  const results: CheckResult[] = [];
  for (const check of log.all()) {
    const rule = describe(check.rule);
    const ack = check.outcome === 'non-compliant' ? acknowledgementOf(check.resource, check.rule.id) : undefined;
    results.push({
      rule,
      status: check.outcome === 'compliant' ? 'passed' : ack ? 'acknowledged' : 'failed',
      constructPath: check.resource.node.path,
      ...index.where(check.resource),
      source: sourceOf(check.resource, cwd),
      reason: ack?.reason,
      acknowledgedAt: ack?.at,
      detail: check.error ? `Rule threw an error during validation: ${check.error}` : undefined,
    });
  }
  for (const r of log.ruleInfos()) describe(r);
  return { rules: [...rules.values()], results };
}

/**
 * What the Control Tower controls checked. cfn-guard reports only violations, so "checked" is computed from each
 * rule's header ("Reports on: <types>"): a resource of a type the rule reports on, in a template the validator
 * ran on, counts as checked, and as passed unless reported. A rule whose own `when` clause skips a resource (a
 * property it does not find, say) therefore still counts that resource as passed. Rules disabled in the gate are
 * not counted.
 */
function controlTowerResults(
  report: PluginReport | undefined,
  index: ResourceIndex,
  disabled: ReadonlySet<string>,
  cwd: string,
): { rules: RuleDescription[]; results: CheckResult[] } {
  const reported = new Map<string, { status: CheckStatus; reason?: string; at?: string; violation: ReportViolation }>();
  const key = (rule: string, template?: string, logicalId?: string) => `${rule}\u0000${template}\u0000${logicalId}`;
  const mark = (vs: Array<ReportViolation & { reason?: string; acknowledgedAt?: string }>, status: CheckStatus) => {
    for (const v of vs)
      for (const c of v.violatingConstructs)
        reported.set(key(v.ruleName, c.cloudFormationResource?.templatePath, c.cloudFormationResource?.logicalId), {
          status,
          reason: v.reason,
          at: v.acknowledgedAt,
          violation: v,
        });
  };
  mark(report?.suppressedViolations ?? [], 'acknowledged');
  mark(report?.violations ?? [], 'failed');
  const violationOf = (name: string) =>
    [...(report?.violations ?? []), ...(report?.suppressedViolations ?? [])].find((v) => v.ruleName === name);

  const rules = new Map<string, RuleDescription>();
  const results: CheckResult[] = [];
  const seen = new Set<string>();
  for (const rule of guardRules()) {
    if (disabled.has(rule.file)) continue;
    for (const t of index.templates) {
      for (const [logicalId, res] of Object.entries(t.template.Resources ?? {})) {
        if (!rule.reportsOn.includes(res.Type)) continue;
        const description = rules.get(rule.name) ?? describeGuardRule(rule.name, violationOf(rule.name));
        rules.set(rule.name, description);
        const k = key(rule.name, t.file, logicalId);
        seen.add(k);
        const hit = reported.get(k);
        const constructPath = String((res.Metadata?.['aws:cdk:path'] as string | undefined) ?? `${t.file}#${logicalId}`);
        const construct = index.byPath.get(constructPath);
        results.push({
          rule: description,
          status: hit?.status ?? 'passed',
          constructPath,
          logicalId,
          stackName: t.stackName,
          templatePath: t.file,
          source: construct ? sourceOf(construct, cwd) : undefined,
          reason: hit?.reason,
          acknowledgedAt: hit?.at,
        });
      }
    }
  }
  // A violation the header-based selection did not predict is reported all the same.
  for (const [k, hit] of reported) {
    if (seen.has(k)) continue;
    const [name, templatePath, logicalId] = k.split('\u0000');
    const description = rules.get(name) ?? describeGuardRule(name, hit.violation);
    rules.set(name, description);
    const c = hit.violation.violatingConstructs.find((x) => x.cloudFormationResource?.logicalId === logicalId);
    const construct = c?.constructPath ? index.byPath.get(c.constructPath) : undefined;
    results.push({
      rule: description,
      status: hit.status,
      constructPath: c?.constructPath ?? `${templatePath}#${logicalId}`,
      logicalId,
      stackName: index.templates.find((t) => t.file === templatePath)?.stackName,
      templatePath,
      source: construct ? sourceOf(construct, cwd) : undefined,
      reason: hit.reason,
      acknowledgedAt: hit.at,
    });
  }
  return { rules: [...rules.values()], results };
}

/** Violations of any other plugin (an extra plugin a user registered): failures and acknowledgements only. */
function otherPluginResults(report: PluginReport, index: ResourceIndex, cwd: string): { rules: RuleDescription[]; results: CheckResult[] } {
  const rules = new Map<string, RuleDescription>();
  const results: CheckResult[] = [];
  const add = (v: ReportViolation & { reason?: string; acknowledgedAt?: string; acknowledgedId?: string }, status: CheckStatus) => {
    const rule = rules.get(v.ruleName) ?? {
      pack: report.pluginName,
      // The id an acknowledgement takes: the report names it for suppressed violations.
      id: v.acknowledgedId ?? `${report.pluginName.replace(/\s+/g, '-')}::${v.ruleName}`,
      name: v.ruleName,
      title: v.description,
      description: v.description,
      fix: (v as { suggestedFix?: string }).suggestedFix ?? '',
      hipaaSections: [],
      controlIds: [],
      level: LEVEL[v.severity] ?? 'warning',
    };
    rules.set(v.ruleName, rule);
    for (const c of v.violatingConstructs) {
      const construct = c.constructPath ? index.byPath.get(c.constructPath) : undefined;
      results.push({
        rule,
        status,
        constructPath: c.constructPath ?? `${c.cloudFormationResource?.templatePath}#${c.cloudFormationResource?.logicalId}`,
        logicalId: c.cloudFormationResource?.logicalId,
        templatePath: c.cloudFormationResource?.templatePath,
        stackName: index.templates.find((t) => t.file === c.cloudFormationResource?.templatePath)?.stackName,
        source: construct ? sourceOf(construct, cwd) : undefined,
        reason: v.reason,
        acknowledgedAt: v.acknowledgedAt,
      });
    }
  };
  report.violations.forEach((v) => add(v, 'failed'));
  (report.suppressedViolations ?? []).forEach((v) => add(v, 'acknowledged'));
  return { rules: [...rules.values()], results };
}

export interface CollectOptions {
  /** The gate's check log (every cdk-nag rule × resource); without it only the validation report is read. */
  readonly log?: NagCheckLog;
  /** Control Tower rule files disabled in the gate. */
  readonly disabledControlTowerRules?: readonly string[];
  /** Source paths are made relative to this directory. @default - the working directory */
  readonly cwd?: string;
}

/**
 * Every rule × resource the gate checked in one synthesis, with its status (passed, failed, acknowledged), the
 * construct, the logical id, the stack, and the line of the app's code that created the construct.
 */
export function collectChecks(root: IConstruct, assemblyDir: string, options: CollectOptions = {}): ComplianceChecks {
  const cwd = options.cwd ?? process.cwd();
  const report = readValidationReport(assemblyDir);
  const index = indexResources(root, assemblyDir);
  const packs: ComplianceChecks['packs'] = [];
  const rules: RuleDescription[] = [];
  const results: CheckResult[] = [];
  const add = (r: { rules: RuleDescription[]; results: CheckResult[] }) => {
    rules.push(...r.rules);
    results.push(...r.results);
  };
  const nagPacks = new Set((options.log?.ruleInfos() ?? []).map((r) => r.pack));
  if (options.log) {
    add(nagResults(options.log, index, cwd));
    for (const name of nagPacks)
      packs.push({
        name,
        version: name === STRICT_PACK_NAME ? undefined : CDK_NAG_VERSION,
        method: 'every rule applied to every resource, outcome recorded as the pack evaluated it',
      });
  }
  const ct = report.pluginReports.find((p) => p.pluginName === CONTROL_TOWER_PLUGIN);
  if (ct || options.disabledControlTowerRules) {
    add(controlTowerResults(ct, index, new Set(options.disabledControlTowerRules ?? []), cwd));
    packs.push({
      name: CONTROL_TOWER_PLUGIN,
      version: ct?.pluginVersion,
      method: 'resources of the types each rule reports on count as checked; passed unless cfn-guard reported them',
    });
  }
  for (const p of report.pluginReports) {
    if (p.pluginName === CONTROL_TOWER_PLUGIN || nagPacks.has(p.pluginName)) continue;
    add(otherPluginResults(p, index, cwd));
    packs.push({
      name: p.pluginName,
      version: p.pluginVersion,
      method: 'violations and acknowledgements only (the plugin reports no passes)',
    });
  }
  return { packs, rules, results };
}

/** Read a file if it exists (for the template fallback location). */
export function templateLine(assemblyDir: string, templatePath: string, logicalId: string): number | undefined {
  const file = path.join(assemblyDir, templatePath);
  if (!fs.existsSync(file)) return undefined;
  const idx = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.startsWith(`  "${logicalId}": {`) || l.trim().startsWith(`"${logicalId}": {`));
  return idx >= 0 ? idx + 1 : undefined;
}
