import { DATA_CLASS_TAG, DataClass } from '../../baseline/contract';
import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule, tags } from './rule';

/**
 * Every bucket is encrypted with a customer-managed KMS key. The documented exception: access-log buckets
 * (tagged data-class=access-logs), which S3 and ELB log delivery can only write with SSE-S3 (AES-256).
 */
export const S3BucketCustomerKey: StrictRule = {
  id: 'S3BucketCustomerKey',
  section: '164.312(a)(2)(iv)',
  info: 'The bucket is not encrypted by default with a customer-managed KMS key (and is not a tagged access-log bucket using SSE-S3).',
  explanation: 'A customer-managed key puts every read of PHI under a key policy and in CloudTrail; AWS-managed keys do not.',
  check(r) {
    if (r.type !== 'AWS::S3::Bucket') return NOT_APPLICABLE;
    const rules = ((r.props.BucketEncryption as { ServerSideEncryptionConfiguration?: Array<Record<string, unknown>> } | undefined)
      ?.ServerSideEncryptionConfiguration ?? []) as Array<{
      ServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: unknown };
    }>;
    const byDefault = rules[0]?.ServerSideEncryptionByDefault;
    if (tags(r)[DATA_CLASS_TAG] === DataClass.ACCESS_LOGS && byDefault?.SSEAlgorithm === 'AES256') return COMPLIANT;
    const kms = byDefault?.SSEAlgorithm === 'aws:kms' || byDefault?.SSEAlgorithm === 'aws:kms:dsse';
    const key = byDefault?.KMSMasterKeyID;
    const awsManaged = typeof key === 'string' && key.endsWith('alias/aws/s3');
    return kms && key !== undefined && !awsManaged ? COMPLIANT : NON_COMPLIANT;
  },
};
