#!/usr/bin/env node
/**
 * Validate deployment configs without synthesizing anything (fast: for editors, pre-commit hooks and CI):
 *   npm run config:check -- <name> [<name>...] [--config-dir <dir>] [--all] [--json]
 * Exit codes: 0 every config valid, 1 a config has problems, 2 bad arguments.
 */
import * as path from 'path';
import { performance } from 'perf_hooks';
import { cidrsOverlap, parseCidr } from './cidr';
import { availableConfigs, CONFIG_DIR, ConfigError, ConfigProblem, loadConfig } from './load';
import { DeploymentConfig } from './schema';

export const USAGE = `usage: config:check <name> [<name>...] [--config-dir <dir>] [--all] [--json]
  Validates config/<name>.json (every problem at once) without synthesizing templates.
  --config-dir <dir>  read <name>.json from <dir> instead of config/
  --all               check every config in the directory
  With several configs, also checks that their VPC blocks do not overlap (same or unknown account).
  --json              print the result as JSON
Exit codes: 0 valid, 1 problems found, 2 bad arguments.`;

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly problems: readonly ConfigProblem[];
  readonly message?: string;
  readonly config?: DeploymentConfig;
}

/** VPC blocks of configs that deploy into the same place and overlap (peering or a transit gateway would fail). */
export function overlappingVpcs(configs: ReadonlyArray<{ name: string; config: DeploymentConfig }>): string[] {
  const out: string[] = [];
  configs.forEach((a, i) =>
    configs.slice(i + 1).forEach((b) => {
      const sameAccount = !a.config.account || !b.config.account || a.config.account === b.config.account;
      const ca = parseCidr(a.config.vpcCidr);
      const cb = parseCidr(b.config.vpcCidr);
      if (sameAccount && !('problem' in ca) && !('problem' in cb) && cidrsOverlap(ca, cb)) {
        out.push(
          `${a.name}.vpcCidr ${a.config.vpcCidr} overlaps ${b.name}.vpcCidr ${b.config.vpcCidr}; give each environment its own block so they can be connected`,
        );
      }
    }),
  );
  return out;
}

export function main(argv: string[], out = console.log, err = console.error): number {
  const names: string[] = [];
  let dir = CONFIG_DIR;
  let all = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      out(USAGE);
      return 0;
    } else if (a === '--config-dir') {
      const d = argv[++i];
      if (!d || d.startsWith('--')) {
        err(`--config-dir needs a directory\n${USAGE}`);
        return 2;
      }
      dir = path.resolve(d);
    } else if (a === '--all') all = true;
    else if (a === '--json') json = true;
    else if (a.startsWith('-')) {
      err(`unknown option ${JSON.stringify(a)}\n${USAGE}`);
      return 2;
    } else names.push(a);
  }
  if (all) names.push(...availableConfigs(dir).filter((n) => !names.includes(n)));
  if (names.length === 0) {
    err(`name a config to check (available: ${availableConfigs(dir).join(', ') || 'none'})\n${USAGE}`);
    return 2;
  }
  const start = performance.now();
  const results: CheckResult[] = names.map((name) => {
    try {
      return { name, ok: true, problems: [], config: loadConfig(name, dir) };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return { name, ok: false, problems: e.problems, message: e.message };
    }
  });
  const overlaps = overlappingVpcs(results.flatMap((r) => (r.config ? [{ name: r.name, config: r.config }] : [])));
  const ms = performance.now() - start;
  const ok = results.every((r) => r.ok) && overlaps.length === 0;
  if (json) {
    out(JSON.stringify({ ok, results: results.map(({ config: _c, ...r }) => r), overlaps, milliseconds: Math.round(ms) }, undefined, 2));
  } else {
    for (const r of results) {
      if (r.ok) {
        const c = r.config!;
        out(`${r.name}: valid (environment ${c.environment}, ${c.region} with DR in ${c.drRegion}, ${c.tenants.length} tenant(s))`);
      } else err(r.message);
    }
    for (const o of overlaps) err(`- ${o}`);
    out(
      `${results.filter((r) => r.ok).length} of ${results.length} config(s) valid, checked in ${Math.round(ms)} ms without synthesizing.`,
    );
  }
  return ok ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
