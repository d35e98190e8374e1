import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { daysCover } from '../baseline/durations';
import { deniesInsecureTransport, statements } from '../baseline/policy';
import { KMS_KEY_ROTATION_DAYS } from '../baseline/thresholds';
import { setupErrorFromAws } from './setup-error';

export interface LiveCheck {
  readonly resource: string;
  readonly check: string;
  readonly expected: string;
  readonly actual: string;
  readonly ok: boolean;
}

export interface LiveTargets {
  /** The WORM audit bucket. */
  readonly auditBucket: string;
  /** The key the audit bucket must be encrypted with (ARN). */
  readonly auditKeyArn?: string;
  /** Customer-managed keys to check (ARNs). */
  readonly keyArns: string[];
  /** Years the Object Lock default retention must cover. */
  readonly auditRetentionYears: number;
}

const check = (resource: string, name: string, expected: string, actual: unknown, ok: boolean): LiveCheck => ({
  resource,
  check: name,
  expected,
  actual: typeof actual === 'string' ? actual : JSON.stringify(actual ?? null),
  ok,
});

/**
 * Errors that mean a setting is absent: drift, reported as a failed check. Every other error (access denied,
 * no region, no credentials, a missing bucket or key, the network) is the caller's set-up: it stops the run
 * with exit code 2 and never reads as drift.
 */
const NOT_CONFIGURED = new Set([
  'ObjectLockConfigurationNotFoundError',
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchBucketPolicy',
  'NoSuchPublicAccessBlockConfiguration',
]);

/** Run a read call; a setting that is absent becomes a failed check, anything else a SetupError. */
async function read<T>(resource: string, name: string, call: () => Promise<T>, out: LiveCheck[]): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    const n = (e as { name?: string }).name ?? '';
    if (!NOT_CONFIGURED.has(n)) throw setupErrorFromAws(e, `${name} on ${resource}`);
    out.push(check(resource, name, 'configured', `not configured (${n})`, false));
    return undefined;
  }
}

/**
 * Check a deployed account against what the templates promise. Read-only: only Get/Describe calls.
 */
export async function liveVerify(s3: S3Client, kms: KMSClient, t: LiveTargets): Promise<LiveCheck[]> {
  const out: LiveCheck[] = [];
  const b = t.auditBucket;
  const lock = await read(b, 'object lock', () => s3.send(new GetObjectLockConfigurationCommand({ Bucket: b })), out);
  if (lock) {
    const d = lock.ObjectLockConfiguration?.Rule?.DefaultRetention;
    out.push(
      check(
        b,
        'object lock mode',
        'COMPLIANCE',
        d?.Mode ?? 'none',
        lock.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled' && d?.Mode === 'COMPLIANCE',
      ),
    );
    out.push(
      check(
        b,
        'object lock retention',
        `>= ${t.auditRetentionYears} years`,
        d?.Years !== undefined ? `${d.Years} years` : `${d?.Days ?? 0} days`,
        d?.Years !== undefined ? d.Years >= t.auditRetentionYears : daysCover(d?.Days ?? 0, t.auditRetentionYears),
      ),
    );
  }
  const enc = await read(b, 'default encryption', () => s3.send(new GetBucketEncryptionCommand({ Bucket: b })), out);
  if (enc) {
    const rule = enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    const keyOk =
      rule?.SSEAlgorithm === 'aws:kms' &&
      (!t.auditKeyArn || rule.KMSMasterKeyID === t.auditKeyArn || t.auditKeyArn.endsWith(`/${rule.KMSMasterKeyID}`));
    out.push(
      check(
        b,
        'default encryption',
        `aws:kms with ${t.auditKeyArn ?? 'a customer key'}`,
        `${rule?.SSEAlgorithm} ${rule?.KMSMasterKeyID ?? ''}`.trim(),
        keyOk,
      ),
    );
  }
  const ver = await read(b, 'versioning', () => s3.send(new GetBucketVersioningCommand({ Bucket: b })), out);
  if (ver) out.push(check(b, 'versioning', 'Enabled', ver.Status ?? 'never enabled', ver.Status === 'Enabled'));
  const pab = await read(b, 'public access block', () => s3.send(new GetPublicAccessBlockCommand({ Bucket: b })), out);
  if (pab) {
    const c = pab.PublicAccessBlockConfiguration ?? {};
    out.push(
      check(
        b,
        'public access block',
        'all four true',
        c,
        Boolean(c.BlockPublicAcls && c.BlockPublicPolicy && c.IgnorePublicAcls && c.RestrictPublicBuckets),
      ),
    );
  }
  const pol = await read(b, 'bucket policy', () => s3.send(new GetBucketPolicyCommand({ Bucket: b })), out);
  if (pol) {
    const doc: unknown = JSON.parse(pol.Policy ?? '{}');
    out.push(
      check(
        b,
        'TLS-only policy',
        'Deny when aws:SecureTransport is false',
        deniesInsecureTransport(doc) ? 'present' : 'missing',
        deniesInsecureTransport(doc),
      ),
    );
    const minTls = statements(doc).some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition ?? {}).includes('s3:TlsVersion'));
    out.push(check(b, 'TLS 1.2 minimum policy', 'Deny when s3:TlsVersion < 1.2', minTls ? 'present' : 'missing', minTls));
  }
  for (const k of t.keyArns) {
    const d = await read(k, 'key state', () => kms.send(new DescribeKeyCommand({ KeyId: k })), out);
    if (d) {
      const m = d.KeyMetadata;
      out.push(
        check(
          k,
          'key state',
          'Enabled, customer-managed',
          `${m?.KeyState}, ${m?.KeyManager}`,
          m?.KeyState === 'Enabled' && m?.KeyManager === 'CUSTOMER',
        ),
      );
    }
    const rot = await read(k, 'key rotation', () => kms.send(new GetKeyRotationStatusCommand({ KeyId: k })), out);
    if (rot)
      out.push(
        check(
          k,
          'key rotation',
          'enabled',
          rot.KeyRotationEnabled ? `enabled (${rot.RotationPeriodInDays ?? KMS_KEY_ROTATION_DAYS.default} days)` : 'disabled',
          rot.KeyRotationEnabled === true,
        ),
      );
    const pol2 = await read(k, 'key policy', () => kms.send(new GetKeyPolicyCommand({ KeyId: k, PolicyName: 'default' })), out);
    if (pol2) {
      const open = statements(JSON.parse(pol2.Policy ?? '{}')).filter((s) => {
        const p = s.Principal;
        const wildcard = p === '*' || (typeof p === 'object' && p !== null && [(p as { AWS?: unknown }).AWS].flat().includes('*'));
        return s.Effect === 'Allow' && wildcard && !s.Condition;
      });
      out.push(
        check(
          k,
          'key policy principals',
          'no "*" principal without a condition',
          open.length ? `${open.length} open statement(s)` : 'none open',
          open.length === 0,
        ),
      );
    }
  }
  return out;
}
