import * as crypto from 'crypto';
import * as path from 'path';
import type * as sarif from 'sarif';
import { acceptCall } from './accept-call';
import { CheckResult, ComplianceChecks, RuleDescription, templateLine } from './checks';

/** The file name of the SARIF log, beside `validation-report.json`. */
export const SARIF_FILE = 'compliance.sarif';

/** The key of our partial fingerprint: a hash of rule id and construct path, so moving code keeps the alert. */
export const FINGERPRINT_KEY = 'hipaaStackRuleResource/v1';

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Where to read about each pack. */
const PACK_URI: Record<string, string> = {
  'HIPAA.Security': 'https://github.com/cdklabs/cdk-nag/blob/main/RULES.md#hipaa-security',
  'NIST.800.53.R5': 'https://github.com/cdklabs/cdk-nag/blob/main/RULES.md#nist-800-53-rev-5',
  'cdk-validator-cfnguard': 'https://github.com/cdklabs/cdk-validator-cfnguard',
};

function helpText(rule: RuleDescription): string {
  const lines = [
    `Fix: ${rule.fix || rule.description}`,
    rule.hipaaSections.length ? `HIPAA: 45 CFR ${rule.hipaaSections.join(', ')}` : 'HIPAA: no 45 CFR section mapped to this rule',
  ];
  if (rule.controlIds.length) lines.push(`Controls cited by the pack: ${rule.controlIds.join(', ')}`);
  lines.push(`Accept with a reason (narrowest construct): ${acceptCall(rule.id, 'resource')}`);
  return lines.join('\n');
}

function descriptor(rule: RuleDescription): sarif.ReportingDescriptor {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: { text: helpText(rule), markdown: helpText(rule).replace(/^(\w[\w ]*?):/gm, '**$1:**') },
    helpUri: rule.helpUri,
    defaultConfiguration: { level: rule.level },
    properties: { tags: ['compliance', 'hipaa', ...rule.hipaaSections.map((s) => `45-CFR-${s}`)], hipaaSections: rule.hipaaSections },
  };
}

function fingerprint(r: CheckResult): string {
  return crypto.createHash('sha256').update(`${r.rule.id}\u0000${r.constructPath}`).digest('hex');
}

function location(r: CheckResult, assemblyDir: string, cwd: string): sarif.Location {
  const logical: sarif.LogicalLocation = { fullyQualifiedName: r.constructPath, name: r.logicalId, kind: 'resource' };
  if (r.source) {
    return {
      physicalLocation: {
        artifactLocation: { uri: r.source.file, uriBaseId: 'SRCROOT' },
        region: { startLine: r.source.line, startColumn: r.source.column },
      },
      logicalLocations: [logical],
    };
  }
  // No creation stack trace (the app disabled it): point at the resource in the template.
  const template = r.templatePath ? path.relative(cwd, path.join(assemblyDir, r.templatePath)).split(path.sep).join('/') : undefined;
  const line = r.templatePath && r.logicalId ? templateLine(assemblyDir, r.templatePath, r.logicalId) : undefined;
  return {
    physicalLocation: template
      ? { artifactLocation: { uri: template, uriBaseId: 'SRCROOT' }, region: line ? { startLine: line } : undefined }
      : undefined,
    logicalLocations: [logical],
  };
}

function result(r: CheckResult, ruleIndex: number, assemblyDir: string, cwd: string): sarif.Result {
  const what = r.detail ?? r.rule.title;
  const out: sarif.Result = {
    ruleId: r.rule.id,
    ruleIndex,
    level: r.rule.level,
    message: {
      text: `${what.replace(/\.$/, '')}: ${r.constructPath}${r.logicalId ? ` (${r.stackName}/${r.logicalId})` : ''}.`,
    },
    locations: [location(r, assemblyDir, cwd)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(r) },
    properties: {
      constructPath: r.constructPath,
      logicalId: r.logicalId,
      stack: r.stackName,
      template: r.templatePath,
      hipaaSections: r.rule.hipaaSections,
    },
  };
  if (r.status === 'acknowledged') {
    out.suppressions = [
      {
        kind: 'inSource',
        status: 'accepted',
        justification: r.reason ?? '(no reason recorded)',
        properties: { acknowledgedAt: r.acknowledgedAt },
      },
    ];
  }
  return out;
}

/**
 * A SARIF 2.1.0 log of one synthesis: one run per pack, with every rule the pack applied, and a result for each
 * failed or acknowledged check (acknowledged ones carry a suppression with the recorded reason, so code
 * scanning shows them without alerting). Passing checks are in the JUnit report.
 */
export function toSarif(checks: ComplianceChecks, assemblyDir: string, cwd: string = process.cwd()): sarif.Log {
  const runs: sarif.Run[] = checks.packs.map((pack) => {
    const rules = checks.rules.filter((r) => r.pack === pack.name).sort((a, b) => a.id.localeCompare(b.id));
    const index = new Map(rules.map((r, i) => [r.id, i]));
    const results = checks.results
      .filter((r) => r.rule.pack === pack.name && r.status !== 'passed')
      .sort((a, b) => a.rule.id.localeCompare(b.rule.id) || a.constructPath.localeCompare(b.constructPath))
      .map((r) => result(r, index.get(r.rule.id)!, assemblyDir, cwd));
    return {
      tool: { driver: { name: pack.name, version: pack.version, informationUri: PACK_URI[pack.name], rules: rules.map(descriptor) } },
      automationDetails: { id: `hipaa-stack/${pack.name}/` },
      originalUriBaseIds: { SRCROOT: { description: { text: 'The directory `cdk synth` ran in (the app root).' } } },
      results,
      properties: { checked: pack.method },
    };
  });
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs };
}
