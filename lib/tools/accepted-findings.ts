#!/usr/bin/env node
/**
 * Print the accepted findings of the reference deployment as the Markdown table docs/accepted-findings.md
 * carries, or rewrite that table in place:
 *   npx tsx lib/tools/accepted-findings.ts [configName]
 *   npx tsx lib/tools/accepted-findings.ts --update
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { addReferenceDeployment } from '../app';
import { acceptedFindings, RecordedFinding } from '../baseline/acknowledge';
import { DISABLED_CONTROL_TOWER_RULES } from '../compliance/gate';
import { loadConfig } from '../config/load';

/** The generated page that lists every accepted finding (the test in test/gate.test.ts keeps it complete). */
export const FINDINGS_PAGE = 'docs/accepted-findings.md';

export function acceptedFindingsTable(findings: RecordedFinding[], stageName: string): string {
  const rows = findings.map(
    (f) => `| \`${f.ruleId}\` | \`${f.path.replace(new RegExp(`^${stageName}/`), '')}\` | ${f.reason} | ${f.compensatingControl} |`,
  );
  return ['| rule | construct (under the stage) | reason | compensating control |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** Replace the table in the '# Accepted findings' page (up to the next heading or the end). */
export function replaceFindingsTable(readme: string, table: string): string {
  const start = readme.indexOf('# Accepted findings');
  if (start < 0) throw new Error(`${FINDINGS_PAGE} has no "# Accepted findings" heading`);
  const tableStart = readme.indexOf('| rule |', start);
  const next = readme.indexOf('\n# ', start + 1);
  const end = next < 0 ? readme.length : next + 1;
  if (tableStart < 0 || tableStart > end) throw new Error('the "## Accepted findings" section has no table');
  return `${readme.slice(0, tableStart)}${table}\n${next < 0 ? '' : '\n'}${readme.slice(end)}`;
}

if (require.main === module) {
  const update = process.argv.includes('--update');
  const config = loadConfig(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'default');
  const app = new App();
  addReferenceDeployment(app, config, { complianceGate: false });
  const table = acceptedFindingsTable(acceptedFindings(app), config.environment);
  if (update) {
    const file = path.join(__dirname, '..', '..', FINDINGS_PAGE);
    fs.writeFileSync(file, replaceFindingsTable(fs.readFileSync(file, 'utf8'), table));
    console.log(`updated ${file}`);
  } else {
    console.log(table);
    const disabled = DISABLED_CONTROL_TOWER_RULES.map((r) => `${r.id} (${r.reason})`).join('; ');
    console.log(`\nDisabled Control Tower rules: ${disabled || 'none'}`);
  }
}
