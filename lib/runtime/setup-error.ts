/**
 * An error in how a command was called or set up (arguments, region, credentials, permissions, a resource that
 * is not where the arguments say): commands exit 2 on it, never reporting it as a finding. The message says what to do.
 */
export class SetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SetupError';
  }
}

/** AWS errors that mean the caller's set-up is wrong, with what to do. */
const SETUP_HINTS: Record<string, string> = {
  AccessDenied: 'your credentials lack permission for this call: use a role allowed to read it (see docs/runbook.md)',
  AccessDeniedException: 'your credentials lack permission for this call: use a role allowed to read it',
  CredentialsProviderError: 'no AWS credentials were found: set AWS_PROFILE or run "aws sso login"',
  ExpiredToken: 'your AWS session has expired: log in again',
  ExpiredTokenException: 'your AWS session has expired: log in again',
  InvalidClientTokenId: 'the AWS access key is not valid: check your credentials',
  UnrecognizedClientException: 'the AWS credentials are not valid: check your credentials',
  InvalidAccessKeyId: 'the AWS access key is not valid: check your credentials',
  SignatureDoesNotMatch: 'the AWS secret key does not match: check your credentials',
  NoSuchBucket: 'the bucket does not exist in this account: check --bucket, --outputs and --environment',
  NotFoundException: 'the key does not exist in this account and region: check the key ARN and --region',
  PermanentRedirect: 'the bucket is in another region: pass its region with --region',
  AuthorizationHeaderMalformed: 'the request was signed for the wrong region: pass the bucket region with --region',
  TimeoutError: 'AWS could not be reached: check your network',
  ENOTFOUND: 'AWS could not be reached: check your network and the region name',
};

/** Turn an AWS SDK error on `what` into a SetupError saying what to do. */
export function setupErrorFromAws(e: unknown, what: string): SetupError {
  const name = (e as { name?: string; code?: string }).code === 'ENOTFOUND' ? 'ENOTFOUND' : ((e as { name?: string }).name ?? 'Error');
  const message = (e as Error).message ?? String(e);
  const hint = /region is missing/i.test(message)
    ? 'no AWS region is set: pass --region, or --outputs / a key ARN to take it from'
    : (SETUP_HINTS[name] ?? 'check your AWS region, credentials and permissions');
  return new SetupError(`${what} failed: ${name}: ${message} (${hint})`, { cause: e });
}
