import * as fs from 'fs';
import * as path from 'path';

/** The file CDK writes the policy-validation report to, in the root of the cloud assembly. */
export const VALIDATION_REPORT_FILE = 'validation-report.json';

export interface ReportConstruct {
  readonly constructPath?: string;
  readonly cloudFormationResource?: { readonly templatePath?: string; readonly logicalId?: string };
}

export interface ReportViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly severity: string;
  readonly violatingConstructs: ReportConstruct[];
}

export interface PluginReport {
  readonly pluginName: string;
  readonly pluginVersion?: string;
  readonly conclusion: string;
  readonly violations: ReportViolation[];
  readonly suppressedViolations?: Array<ReportViolation & { readonly reason?: string }>;
}

export interface ValidationReport {
  readonly version: string;
  readonly pluginReports: PluginReport[];
}

/** One rule failing on one construct, not acknowledged. */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly description: string;
  readonly constructPath: string;
}

/** Read the validation report of a synthesized cloud assembly (an empty report when no plugin ran). */
export function readValidationReport(assemblyDir: string): ValidationReport {
  const file = path.join(assemblyDir, VALIDATION_REPORT_FILE);
  if (!fs.existsSync(file)) return { version: '', pluginReports: [] };
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReport;
}

/**
 * Every unacknowledged violation, warnings included (a warning fails the gate too). The plugins' own
 * `conclusion` is not trusted: a plugin may report success beside error-level violations.
 */
export function unacknowledgedFindings(report: ValidationReport): Finding[] {
  const out: Finding[] = [];
  for (const p of report.pluginReports) {
    for (const v of p.violations) {
      const paths = v.violatingConstructs.length ? v.violatingConstructs : [{ constructPath: '(app)' }];
      for (const c of paths) {
        out.push({
          plugin: p.pluginName,
          rule: v.ruleName,
          severity: v.severity,
          description: v.description,
          constructPath: c.constructPath ?? `${c.cloudFormationResource?.templatePath}#${c.cloudFormationResource?.logicalId}`,
        });
      }
    }
  }
  return out;
}

/** Human-readable list of findings, one per line. */
export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `[${f.severity}] ${f.plugin} ${f.rule} at ${f.constructPath}: ${f.description}`).join('\n');
}
