#!/usr/bin/env node
/**
 * Read-only preflight before a deploy, with the deployer's AWS credentials:
 *   npm run preflight -- -c config=prod             (synthesizes with the cdk CLI, like `cdk deploy` would)
 *   npm run preflight -- --config prod --assembly cdk.out   (reads an assembly already synthesized)
 * Exit codes: 0 ready (warnings may remain), 1 a blocker (a check failed or could not run),
 * 2 set-up error (bad arguments or config, no credentials, synth failed).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, loadConfig } from '../config/load';
import { parseCliArgs, runWhenMain } from '../runtime/cli/args';
import { checkAccount } from './checks/account';
import { AwsClients } from './clients';
import { readDeployment } from './deployment';
import { exitCodeOf, formatTable, runPreflight } from './run';
import { PreflightSetupError } from './types';

const USAGE = 'usage: preflight [-c config=<name>] [-c configDir=<dir>] [--config <name>] [--assembly <cdk.out>] [--json]';

/** `-c key=value` pairs, as the cdk CLI takes them. */
function contextOf(pairs: readonly string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) return `-c ${p}: expected key=value`;
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** Synthesize with the project's cdk CLI (cdk.json context and the compliance gate included) into a temporary directory. */
function synthesize(context: Record<string, string>, err: (s: string) => void): string | undefined {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-'));
  const args = ['cdk', 'synth', '--quiet', '-o', out, ...Object.entries(context).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  err(`preflight: npx ${args.join(' ')}`);
  const r = spawnSync('npx', args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) {
    err(`${r.stderr ?? ''}\npreflight: synth failed (exit ${r.status}): fix the errors above first (no AWS call was made)`);
    return undefined;
  }
  return out;
}

export async function main(argv: string[], clients = new AwsClients(), out = console.log, err = console.error): Promise<number> {
  const v = parseCliArgs(
    argv,
    {
      context: { type: 'string', short: 'c', multiple: true },
      config: { type: 'string' },
      'config-dir': { type: 'string' },
      assembly: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    [],
    USAGE,
    err,
  );
  if (!v) return 2;
  const context = contextOf(v.context ?? []);
  if (typeof context === 'string') {
    err(`${context}\n${USAGE}`);
    return 2;
  }
  if (v.config && context.config && v.config !== context.config) {
    err(`--config ${v.config} and -c config=${context.config} disagree: give one\n${USAGE}`);
    return 2;
  }
  const name = v.config ?? context.config ?? 'default';
  const configDir = v['config-dir'] ?? context.configDir;
  let config;
  try {
    config = loadConfig(name, configDir ? path.resolve(configDir) : undefined);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 2;
    }
    throw e;
  }
  try {
    // Credentials first: a missing sign-in should not cost a synth.
    await checkAccount(clients, config);
  } catch (e) {
    if (e instanceof PreflightSetupError) {
      err(`preflight: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const assemblyDir = v.assembly
    ? path.resolve(v.assembly)
    : synthesize({ ...context, config: name, ...(configDir ? { configDir } : {}) }, err);
  if (!assemblyDir) return 2;
  if (!fs.existsSync(path.join(assemblyDir, 'manifest.json'))) {
    err(`--assembly ${v.assembly}: no manifest.json there; run "npx cdk synth -c config=${name}" first\n${USAGE}`);
    return 2;
  }
  const synthesized = !v.assembly;
  try {
    const deployment = readDeployment(assemblyDir);
    const rows = await runPreflight(deployment, config, clients);
    out(v.json ? JSON.stringify({ config: name, exitCode: exitCodeOf(rows), checks: rows }, undefined, 2) : formatTable(rows));
    return exitCodeOf(rows);
  } catch (e) {
    if (e instanceof PreflightSetupError) {
      err(`preflight: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    if (synthesized) fs.rmSync(assemblyDir, { recursive: true, force: true });
  }
}

runWhenMain(module, main);
