#!/usr/bin/env node
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { addReferenceDeployment } from '../lib/app';
import { formatFindings, readValidationReport, unacknowledgedFindings } from '../lib/compliance/report';
import { ConfigError, loadConfig } from '../lib/config/load';

const app = new App();
// `-c config=<name>` selects config/<name>.json; cdk.json sets "default". `-c configDir=<dir>` reads
// the files from another directory (for configs kept outside this repository).
const name = String(app.node.tryGetContext('config') ?? 'default');
const dir = app.node.tryGetContext('configDir') as string | undefined;

try {
  addReferenceDeployment(app, loadConfig(name, dir ? path.resolve(dir) : undefined));
} catch (e) {
  if (e instanceof ConfigError) {
    // Stop before any template is written.
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

// The gate. The CLI shows only violations of the stacks it selected (none, for stacks inside a Stage),
// so the app itself refuses to finish cleanly while any unacknowledged violation remains.
const assembly = app.synth();
const findings = unacknowledgedFindings(readValidationReport(assembly.directory));
if (findings.length > 0) {
  console.error(`Compliance gate: ${findings.length} unacknowledged violation(s):\n${formatFindings(findings)}`);
  process.exitCode = 1;
}
