#!/usr/bin/env node
/**
 * Print the accepted findings of the reference deployment as the Markdown table the README carries:
 *   npx tsx lib/tools/accepted-findings.ts [configName]
 */
import { App } from 'aws-cdk-lib';
import { addReferenceDeployment } from '../app';
import { acceptedFindings, RecordedFinding } from '../compliance/acknowledge';
import { DISABLED_CONTROL_TOWER_RULES } from '../compliance/gate';
import { loadConfig } from '../config/load';

export function acceptedFindingsTable(findings: RecordedFinding[], stageName: string): string {
  const rows = findings.map(
    (f) => `| \`${f.ruleId}\` | \`${f.path.replace(new RegExp(`^${stageName}/`), '')}\` | ${f.reason} | ${f.compensatingControl} |`,
  );
  return ['| rule | construct (under the stage) | reason | compensating control |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

if (require.main === module) {
  const config = loadConfig(process.argv[2] ?? 'default');
  const app = new App();
  addReferenceDeployment(app, config, { complianceGate: false });
  console.log(acceptedFindingsTable(acceptedFindings(app), config.environment));
  console.log(
    `\nDisabled Control Tower rules: ${DISABLED_CONTROL_TOWER_RULES.length ? DISABLED_CONTROL_TOWER_RULES.map((r) => `${r.id} (${r.reason})`).join('; ') : 'none'}`,
  );
}
