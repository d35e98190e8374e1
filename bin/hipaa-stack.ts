#!/usr/bin/env node
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { addReferenceDeployment } from '../lib/app';
import { complianceCheckLog, DISABLED_CONTROL_TOWER_RULES } from '../lib/compliance/gate';
import { formatFindings, readValidationReport, unacknowledgedFindings } from '../lib/compliance/report';
import { CONFIG_DIR, ConfigError, loadConfig } from '../lib/config/load';
import { DeploymentConfig } from '../lib/config/schema';
import { produceEvidence } from '../lib/evidence';
import { formatFindingsByResource, writeComplianceReports } from '../lib/reports';

const app = new App();
// `-c config=<name>` selects config/<name>.json; cdk.json sets "default". `-c configDir=<dir>` reads
// the files from another directory (for configs kept outside this repository).
const name = String(app.node.tryGetContext('config') ?? 'default');
const dir = app.node.tryGetContext('configDir') as string | undefined;

let config: DeploymentConfig;
try {
  config = loadConfig(name, dir ? path.resolve(dir) : undefined);
  addReferenceDeployment(app, config);
} catch (e) {
  if (e instanceof ConfigError) {
    // Stop before any template is written: exit 1, the message only (no stack trace).
    console.error(`${e.message}\nNothing was written. Check a config quickly with: npm run config:check -- ${name}`);
    process.exit(1);
  }
  throw e;
}

// The gate. The CLI shows only violations of the stacks it selected (none, for stacks inside a Stage),
// so the app itself refuses to finish cleanly while any unacknowledged violation remains.
const assembly = app.synth();
const findings = unacknowledgedFindings(readValidationReport(assembly.directory));

// For CI tools, beside validation-report.json: a SARIF 2.1.0 log (code scanning) and a JUnit report (every
// rule x resource checked: passed, failed, acknowledged).
const reports = writeComplianceReports(app, assembly.directory, {
  log: complianceCheckLog(app),
  disabledControlTowerRules: DISABLED_CONTROL_TOWER_RULES.map((r) => r.id),
});

// The evidence pack, from the templates just written (also when the gate fails: it then shows the gaps).
// The provenance records the config file (path, SHA-256, content) and whether git holds it.
const evidence = produceEvidence(app, config, name, assembly.directory, findings, {
  configFile: path.join(dir ? path.resolve(dir) : CONFIG_DIR, `${name}.json`),
});
console.error(
  `Evidence pack: ${path.relative(process.cwd(), evidence.dir)}/index.html (${evidence.evidence.summary.met} met, ` +
    `${evidence.evidence.summary.metWithAcceptedFinding} met with accepted finding, ${evidence.evidence.summary.notMet} not met)`,
);

if (findings.length > 0) {
  const grouped = reports.checks.results.filter((r) => r.status === 'failed').length;
  // Grouped by resource with source line, fix and the accepting call; the flat list if a plugin's
  // violations could not be matched to checks (so nothing is ever hidden).
  const text = grouped >= findings.length ? formatFindingsByResource(reports.checks) : formatFindings(findings);
  console.error(`Compliance gate: ${findings.length} unacknowledged violation(s):\n${text}`);
  console.error(`SARIF: ${path.relative(process.cwd(), reports.sarif)}  JUnit: ${path.relative(process.cwd(), reports.junit)}`);
  process.exitCode = 1;
}
