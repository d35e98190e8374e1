import { GetAccountSettingsCommand } from '@aws-sdk/client-lambda';
import { MIN_UNRESERVED_CONCURRENCY } from '../../config/concurrency';
import { groupBy, resourcesOfType } from '../deployment';
import { errorRow } from '../errors';
import { Check, CheckResult } from '../types';

/**
 * Lambda keeps part of the regional concurrency quota unreserved for functions without a limit: "You can
 * reserve up to the Unreserved account concurrency value that is shown, minus 100"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). Accounts whose quota is
 * at or below 100 (new accounts start at 10) cannot reserve anything: the minimum unreserved pool is then the
 * whole quota (an account with a quota of 50 is answered "Specified ReservedConcurrentExecutions for function
 * decreases account's UnreservedConcurrentExecution below its minimum value of [50]",
 * https://docs.gruntwork.io/discussions/knowledge-base/215).
 */
export { MIN_UNRESERVED_CONCURRENCY };
/** Service Quotas code of "Concurrent executions" (AWS Lambda). */
export const LAMBDA_CONCURRENCY_QUOTA_CODE = 'L-B99A9384';

/** The smallest unreserved pool Lambda allows for an account with this concurrency quota. */
export function minimumUnreserved(accountLimit: number): number {
  return Math.min(MIN_UNRESERVED_CONCURRENCY, accountLimit);
}

/** Sum of `ReservedConcurrentExecutions` of the functions in the templates, per region (read from the templates). */
export const checkLambdaConcurrency: Check = async ({ deployment, clients }) => {
  const functions = resourcesOfType(deployment, 'AWS::Lambda::Function').filter(
    (f) => f.resource.Properties?.ReservedConcurrentExecutions !== undefined,
  );
  const rows: CheckResult[] = [];
  for (const [region, fns] of groupBy(functions, (f) => f.stack.region)) {
    const check = `lambda concurrency ${region}`;
    const values = fns.map((f) => f.resource.Properties?.ReservedConcurrentExecutions);
    if (values.some((v) => typeof v !== 'number')) {
      rows.push({
        check,
        result: 'warn',
        finding: 'a function reserves concurrency from a value known only at deploy time: not summed',
        action: 'check the sum by hand against Lambda GetAccountSettings',
      });
      continue;
    }
    const needed = (values as number[]).reduce((a, b) => a + b, 0);
    const list = fns
      .map((f) => `${f.stack.stackName}/${f.logicalId}=${String(f.resource.Properties?.ReservedConcurrentExecutions)}`)
      .join(', ');
    try {
      const s = await clients.lambda(region).send(new GetAccountSettingsCommand({}));
      const limit = s.AccountLimit?.ConcurrentExecutions ?? 0;
      const unreserved = s.AccountLimit?.UnreservedConcurrentExecutions ?? limit;
      const reservable = Math.max(0, unreserved - minimumUnreserved(limit));
      if (needed > reservable) {
        // Already reserved elsewhere in the account + ours + the pool Lambda keeps free.
        const target = limit - unreserved + needed + MIN_UNRESERVED_CONCURRENCY;
        rows.push({
          check,
          result: 'fail',
          finding: `the templates reserve ${needed} (${list}); the account can reserve ${reservable} (quota ${limit}, unreserved ${unreserved}, Lambda keeps ${minimumUnreserved(limit)} unreserved)`,
          action:
            `request "Concurrent executions" of at least ${target} in ${region}: aws service-quotas request-service-quota-increase ` +
            `--service-code lambda --quota-code ${LAMBDA_CONCURRENCY_QUOTA_CODE} --desired-value ${target} --region ${region}; or lower the reserved concurrency in the config`,
        });
      } else {
        rows.push({
          check,
          result: 'pass',
          finding: `the templates reserve ${needed}; the account can reserve ${reservable} (quota ${limit}, unreserved ${unreserved}). On a redeploy, ours are already counted in "unreserved".`,
          action: '',
        });
      }
    } catch (e) {
      rows.push(errorRow(check, 'lambda:GetAccountSettings', e));
    }
  }
  return rows;
};
