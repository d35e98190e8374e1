import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { errorName, errorRow } from '../errors';
import { Check, CheckResult } from '../types';

/** States a stack can be deployed from without help. */
const READY = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

/**
 * Each stack is absent (a first deploy), or in a state a deploy can start from. A stack in ROLLBACK_COMPLETE
 * (a failed first create) must be deleted first; with termination protection on, that needs protection off.
 */
export const checkStackState: Check = async ({ deployment, clients }) => {
  const rows: CheckResult[] = [];
  for (const stack of deployment.stacks) {
    const check = `stack ${stack.stackName} (${stack.region})`;
    try {
      const s = (await clients.cloudFormation(stack.region).send(new DescribeStacksCommand({ StackName: stack.stackName }))).Stacks?.[0];
      const status = s?.StackStatus ?? 'unknown';
      if (READY.has(status)) rows.push({ check, result: 'pass', finding: `exists, ${status}: the deploy updates it`, action: '' });
      else if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED') {
        rows.push({
          check,
          result: 'fail',
          finding: `${status}: a failed first create; CloudFormation cannot update it`,
          action:
            `aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${stack.stackName} --region ${stack.region}; ` +
            `aws cloudformation delete-stack --stack-name ${stack.stackName} --region ${stack.region}; then run preflight again (retained resources show below)`,
        });
      } else if (status.endsWith('_IN_PROGRESS')) {
        rows.push({
          check,
          result: 'fail',
          finding: `${status}: another operation is running`,
          action: 'wait for it to finish, then run preflight again',
        });
      } else {
        rows.push({
          check,
          result: 'fail',
          finding: `${status}`,
          action: 'see the stack events in the CloudFormation console (docs/runbook.md, "Retry a failed deploy")',
        });
      }
    } catch (e) {
      if (errorName(e) === 'ValidationError' && /does not exist/.test((e as Error).message)) {
        rows.push({ check, result: 'pass', finding: 'does not exist yet: the deploy creates it', action: '' });
      } else rows.push(errorRow(check, 'cloudformation:DescribeStacks', e));
    }
  }
  return rows;
};
