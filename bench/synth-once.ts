/**
 * One full synth of the reference deployment with N tenants, packs on or off; prints
 * {"ms": wall time of build + synth, "maxRssMiB": peak resident memory of this process}.
 *   tsx bench/synth-once.ts <tenants> <on|off>
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { addReferenceDeployment } from '../lib/app';
import { readValidationReport, unacknowledgedFindings } from '../lib/compliance/report';
import { parseConfig } from '../lib/config/load';

const tenants = Number(process.argv[2]);
const packs = process.argv[3] === 'on';
const base = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'config', 'default.json'), 'utf8')) as Record<string, unknown>;
const config = parseConfig({
  ...base,
  tenants: Array.from({ length: tenants }, (_, i) => ({ id: `t${String(i).padStart(4, '0')}`, slot: i })),
});
const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

const t0 = process.hrtime.bigint();
const app = new App({
  outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-')),
  context: { ...cdkJson.context, '@aws-cdk/core:failSynthOnValidationErrors': false, 'aws:cdk:enable-path-metadata': true },
});
addReferenceDeployment(app, config, { complianceGate: packs });
const assembly = app.synth();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const findings = unacknowledgedFindings(readValidationReport(assembly.directory));
if (findings.length) throw new Error(`benchmark synth is not clean: ${findings.length} findings`);
fs.rmSync(assembly.directory, { recursive: true, force: true });
console.log(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
