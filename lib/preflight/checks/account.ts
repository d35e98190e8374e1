import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsClients } from '../clients';
import { errorName, isCredentialsError } from '../errors';
import { DeploymentConfig } from '../../config/schema';
import { CheckResult, PreflightSetupError } from '../types';

const CHECK = 'account';

/**
 * Who the credentials are (STS GetCallerIdentity, which needs no permission) and whether that is the
 * account the config pins. Missing or rejected credentials end the run with a set-up error.
 */
export async function checkAccount(clients: AwsClients, config: DeploymentConfig): Promise<{ account: string; row: CheckResult }> {
  let account: string | undefined;
  let arn: string | undefined;
  try {
    const id = await clients.sts(config.region).send(new GetCallerIdentityCommand({}));
    account = id.Account;
    arn = id.Arn;
  } catch (e) {
    if (isCredentialsError(e) || errorName(e) === 'AccessDenied') {
      throw new PreflightSetupError(
        `No usable AWS credentials (${errorName(e)}: ${(e as Error).message}). Sign in as the deployer ` +
          '(aws sso login --profile <p>, then AWS_PROFILE=<p>; or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and run again.',
      );
    }
    throw new PreflightSetupError(`STS GetCallerIdentity failed in ${config.region}: ${errorName(e)}: ${(e as Error).message}`);
  }
  if (!account) throw new PreflightSetupError('STS GetCallerIdentity returned no account id');
  if (config.account === undefined) {
    return {
      account,
      row: {
        check: CHECK,
        result: 'warn',
        finding: `config.account is not set: the stacks go to whichever account the credentials are in (now ${account}, as ${arn})`,
        action: `set "account": "${account}" in the config so a deploy with other credentials is refused`,
      },
    };
  }
  if (config.account !== account) {
    return {
      account,
      row: {
        check: CHECK,
        result: 'fail',
        finding: `credentials are for account ${account} (${arn}); config.account is ${config.account}`,
        action: `sign in to account ${config.account}, or correct config.account`,
      },
    };
  }
  return { account, row: { check: CHECK, result: 'pass', finding: `credentials are for ${account} (${arn}), as configured`, action: '' } };
}
