#!/usr/bin/env node
/**
 * Run the integration tests in a sandbox account (costs money: docs/runbook.md, "Integration tests"):
 *   npm run integ -- -c integ:account=<id> -c integ:certificateArn=<arn> -c integ:domainName=<name> [--destroy]
 * Deploys each test/integ/integ.*.ts app with the project's cdk CLI (integ-runner 2.197 cannot read this
 * aws-cdk-lib's cloud assembly, schema 55), fails when an assertion fails (each waits, so a failure also fails
 * the deploy of the assertion stack), and with --destroy removes the stacks afterwards.
 * Exit codes: 0 all assertions passed, 1 an assertion or the deploy failed, 2 bad arguments.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCliArgs, runWhenMain } from '../../lib/runtime/cli/args';
import { INTEG_APPS } from './snapshot';

const USAGE = 'usage: integ [-c integ:<field>=<value> ...] [--destroy]';

function cdk(args: string[]): number {
  console.error(`integ: npx cdk ${args.join(' ')}`);
  return spawnSync('npx', ['cdk', ...args], { stdio: 'inherit' }).status ?? 1;
}

/** Assertion outputs (`AssertionResults...`) whose value reports a failure. */
export function failedAssertions(outputs: Record<string, Record<string, string>>): string[] {
  return Object.values(outputs).flatMap((stack) =>
    Object.entries(stack)
      .filter(([k, v]) => k.startsWith('AssertionResults') && /fail/i.test(v))
      .map(([k, v]) => `${k}: ${v}`),
  );
}

export function main(argv: string[]): Promise<number> {
  const v = parseCliArgs(
    argv,
    { context: { type: 'string', short: 'c', multiple: true }, destroy: { type: 'boolean', default: false } },
    [],
    USAGE,
    console.error,
  );
  if (!v) return Promise.resolve(2);
  const files = Object.keys(INTEG_APPS);
  const context = (v.context ?? []).flatMap((c) => ['-c', c]);
  let failed = 0;
  for (const file of files) {
    const app = ['--app', `npx tsx ${path.join('test', 'integ', file)}`, ...context];
    const outputsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'integ-')), 'outputs.json');
    const deployed = cdk(['deploy', ...app, '--all', '--require-approval', 'never', '--outputs-file', outputsFile]);
    const outputs = fs.existsSync(outputsFile)
      ? (JSON.parse(fs.readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>)
      : {};
    const failures = failedAssertions(outputs);
    if (deployed !== 0 || failures.length > 0) {
      failed++;
      console.error(`FAIL ${file}: ${deployed !== 0 ? `deploy exited ${deployed}` : ''}${failures.map((f) => `\n  ${f}`).join('')}`);
    } else console.error(`PASS ${file}`);
    if (v.destroy) cdk(['destroy', ...app, '--all', '--force']);
  }
  return Promise.resolve(failed > 0 ? 1 : 0);
}

runWhenMain(module, main);
