/**
 * CloudFormation resource-type prefixes the templates may use.
 *
 * Source: AWS, "HIPAA Eligible Services Reference", https://aws.amazon.com/compliance/hipaa-eligible-services-reference/
 * Reviewed: 2026-11-23. Each service below is on that list, except the entries marked "control plane",
 * which configure the account and hold no PHI. Add a service only after checking the list again, and update
 * the date.
 */
export const HIPAA_ELIGIBLE_TYPE_PREFIXES: readonly string[] = [
  'AWS::KMS::', // AWS Key Management Service
  'AWS::S3::', // Amazon S3
  'AWS::EC2::', // Amazon EC2 / Amazon VPC
  'AWS::Logs::', // Amazon CloudWatch Logs
  'AWS::CloudWatch::', // Amazon CloudWatch
  'AWS::CloudTrail::', // AWS CloudTrail
  'AWS::RDS::', // Amazon RDS (PostgreSQL)
  'AWS::SecretsManager::', // AWS Secrets Manager
  'AWS::Backup::', // AWS Backup
  'AWS::Lambda::', // AWS Lambda
  'AWS::SQS::', // Amazon SQS
  'AWS::SNS::', // Amazon SNS
  'AWS::ElasticLoadBalancingV2::', // Elastic Load Balancing
  'AWS::WAFv2::', // AWS WAF
  'AWS::CertificateManager::', // AWS Certificate Manager
  'AWS::Events::', // Amazon EventBridge
  'AWS::GuardDuty::', // Amazon GuardDuty
  'AWS::Route53::', // Amazon Route 53
  'AWS::IAM::', // AWS IAM (control plane: identities and policies, no PHI)
  'AWS::Serverless::Application', // AWS SAR (control plane: deploys the Secrets Manager rotation Lambda)
  'AWS::CDK::Metadata', // CDK version metadata (control plane: no data)
  'AWS::CloudFormation::WaitConditionHandle', // placeholder of an empty tenant shard stack (control plane: no data)
  'Custom::', // CloudFormation custom resources backed by Lambda in this account (control plane)
];
