import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { groupBy } from '../deployment';
import { errorName, errorRow } from '../errors';
import { Check, CheckResult } from '../types';

/**
 * CDK bootstrap in every region a stack of the assembly deploys to (the DR stack's region too): the
 * bootstrap stack writes its version to an SSM parameter, and every stack and asset manifest says the
 * minimum version it needs (`requiresBootstrapStackVersion`). This is what `cdk deploy` itself reads.
 */
export const checkBootstrap: Check = async ({ deployment, clients, account }) => {
  const byRegion = groupBy(deployment.stacks, (s) => s.region);
  const rows: CheckResult[] = [];
  for (const [region, stacks] of [...byRegion.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const check = `bootstrap ${region}`;
    const required = Math.max(...stacks.map((s) => s.requiredBootstrapVersion));
    const parameter = stacks[0].bootstrapParameter;
    const fix = `npx cdk bootstrap aws://${account}/${region}`;
    try {
      const p = await clients.ssm(region).send(new GetParameterCommand({ Name: parameter }));
      const version = Number(p.Parameter?.Value);
      if (!Number.isFinite(version)) {
        rows.push({
          check,
          result: 'fail',
          finding: `${parameter} holds ${JSON.stringify(p.Parameter?.Value)}, not a version`,
          action: fix,
        });
      } else if (version < required) {
        rows.push({
          check,
          result: 'fail',
          finding: `bootstrap version ${version}; the stacks here (${stacks.map((s) => s.stackName).join(', ')}) need ${required}`,
          action: `upgrade the bootstrap stack: ${fix}`,
        });
      } else {
        rows.push({ check, result: 'pass', finding: `bootstrap version ${version} (need ${required})`, action: '' });
      }
    } catch (e) {
      if (errorName(e) === 'ParameterNotFound') {
        rows.push({
          check,
          result: 'fail',
          finding: `not bootstrapped: ${parameter} does not exist; needed by ${stacks.map((s) => s.stackName).join(', ')}`,
          action: fix,
        });
      } else rows.push(errorRow(check, `ssm:GetParameter ${parameter}`, e));
    }
  }
  return rows;
};
