// An app of its own, using hipaa-stack as a library: three constructs and the compliance gate.
// `node app.js` synthesizes into ./cdk.out and exits 1 on any unacknowledged finding;
// `node app.js --noncompliant` adds a bucket without the protections, and must fail.
const path = require('path');
const { App, Stack } = require('aws-cdk-lib');
const s3 = require('aws-cdk-lib/aws-s3');
const { EncryptedLogGroup, EncryptedQueue, HipaaKey } = require('hipaa-stack/constructs');
const {
  complianceCheckLog,
  formatFindingsByResource,
  readValidationReport,
  registerComplianceGate,
  unacknowledgedFindings,
  writeComplianceReports,
} = require('hipaa-stack/gate');

const outdir = path.join(__dirname, 'cdk.out');
const app = new App({
  outdir,
  context: { '@aws-cdk/core:failSynthOnValidationErrors': false, 'aws:cdk:enable-path-metadata': true },
});
// Plain thresholds: no hipaa-stack config object needed.
registerComplianceGate(app, { auditRetentionYears: 6, auditLogRetentionDays: 2192, backupRetentionDays: 35, rdsBackupRetentionDays: 35 });

const stack = new Stack(app, 'ExampleLogs');
const key = new HipaaKey(stack, 'LogsKey', { dataClass: 'logs' });
new EncryptedLogGroup(stack, 'AppLogs', { encryptionKey: key.key, retentionDays: 400 });
const failed = new EncryptedQueue(stack, 'JobsDlq', { encryptionKey: key.key, isDeadLetterQueue: true });
new EncryptedQueue(stack, 'Jobs', { encryptionKey: key.key, deadLetterQueue: { queue: failed.queue, maxReceiveCount: 5 } });
if (process.argv.includes('--noncompliant')) new s3.Bucket(stack, 'Careless');

const assembly = app.synth();
const findings = unacknowledgedFindings(readValidationReport(assembly.directory));
const reports = writeComplianceReports(app, assembly.directory, { log: complianceCheckLog(app) });
if (findings.length) {
  console.error(`Compliance gate: ${findings.length} unacknowledged violation(s):\n${formatFindingsByResource(reports.checks)}`);
  process.exitCode = 1;
} else {
  console.log(`Compliance gate: clean (${reports.checks.results.length} checks). SARIF: ${path.relative(__dirname, reports.sarif)}`);
}
