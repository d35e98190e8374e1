import { CheckResult, PreflightSetupError } from './types';

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
  'AuthorizationErrorException',
]);
const NO_CREDENTIALS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);

/** The error's name (SDK v3 service exceptions carry the AWS error code as `name`). */
export function errorName(e: unknown): string {
  return e instanceof Error ? e.name : String(e);
}

/** Credentials missing, expired or rejected: nothing can be checked. */
export function isCredentialsError(e: unknown): boolean {
  return NO_CREDENTIALS.has(errorName(e)) || /could not load credentials|credential/i.test(e instanceof Error ? e.message : '');
}

/**
 * Turn an error of a read call into a row: access denied names the IAM action to grant; missing
 * credentials stop the whole run (PreflightSetupError, exit 2); anything else is reported as is.
 */
export function errorRow(check: string, action: string, e: unknown): CheckResult {
  if (isCredentialsError(e)) {
    throw new PreflightSetupError(
      `AWS credentials are missing, expired or invalid (${errorName(e)}: ${(e as Error).message}). ` +
        'Sign in (aws sso login, or set AWS_PROFILE / AWS_ACCESS_KEY_ID) as the deployer and run again.',
    );
  }
  if (ACCESS_DENIED.has(errorName(e))) {
    return {
      check,
      result: 'error',
      finding: `access denied to ${action}: not checked`,
      action: `run preflight with credentials allowed ${action} (e.g. the ReadOnlyAccess managed policy)`,
    };
  }
  return {
    check,
    result: 'error',
    finding: `${action} failed: ${errorName(e)}: ${(e as Error).message ?? ''}`.trim(),
    action: 'retry; if it persists, check the service in this region',
  };
}
