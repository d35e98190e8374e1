import { DeploymentConfig } from '../config/schema';
import { checkAccount } from './checks/account';
import { checkAlertSubscriptions } from './checks/alert-subscriptions';
import { checkBootstrap } from './checks/bootstrap';
import { checkCertificate } from './checks/certificate';
import { checkGuardDuty } from './checks/guardduty';
import { checkLambdaConcurrency } from './checks/lambda-concurrency';
import { checkNamedResources } from './checks/named-resources';
import { checkRdsOrderable } from './checks/rds-orderable';
import { checkStackState } from './checks/stack-state';
import { AwsClients } from './clients';
import { Deployment } from './deployment';
import { Check, CheckResult, PreflightSetupError } from './types';

/** The checks after the account check, in the order they print. */
export const CHECKS: readonly Check[] = [
  checkBootstrap,
  checkLambdaConcurrency,
  checkGuardDuty,
  checkRdsOrderable,
  checkCertificate,
  checkStackState,
  checkNamedResources,
  checkAlertSubscriptions,
];

/** Run every check (read-only). Throws PreflightSetupError when credentials are missing. */
export async function runPreflight(deployment: Deployment, config: DeploymentConfig, clients = new AwsClients()): Promise<CheckResult[]> {
  if (deployment.stacks.length === 0) throw new PreflightSetupError('the cloud assembly holds no stacks: synthesize the app first');
  const agnostic = deployment.stacks.filter((s) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(s.region));
  if (agnostic.length > 0) {
    throw new PreflightSetupError(
      `stacks without a region (${agnostic.map((s) => s.stackName).join(', ')}): set region and drRegion in the config`,
    );
  }
  const { account, row } = await checkAccount(clients, config);
  const ctx = { deployment, config, account, clients };
  const rows: CheckResult[] = [row];
  for (const check of CHECKS) rows.push(...(await check(ctx)));
  return rows;
}

/** 1 when any check failed or could not run (the deploy is not known to be safe), else 0. */
export function exitCodeOf(rows: readonly CheckResult[]): number {
  return rows.some((r) => r.result === 'fail' || r.result === 'error') ? 1 : 0;
}

/** The results as one plain-text table: check, result, finding, what to do. */
export function formatTable(rows: readonly CheckResult[]): string {
  const header = { check: 'CHECK', result: 'RESULT', finding: 'FINDING', action: 'WHAT TO DO' };
  const all = [header, ...rows];
  const w = (k: 'check' | 'result' | 'finding') => Math.min(k === 'finding' ? 70 : 48, Math.max(...all.map((r) => r[k].length)));
  const widths = { check: w('check'), result: w('result'), finding: w('finding') };
  const lines = all.map((r) =>
    [r.check.padEnd(widths.check), r.result.toUpperCase().padEnd(widths.result), r.finding.padEnd(widths.finding), r.action || '-']
      .join('  ')
      .trimEnd(),
  );
  const counts = (['pass', 'warn', 'fail', 'error'] as const).map((o) => `${rows.filter((r) => r.result === o).length} ${o}`).join(', ');
  return [...lines, '', `${counts}.`].join('\n');
}
