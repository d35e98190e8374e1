import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import { Construct } from 'constructs';
import { acceptFinding } from '../lib/baseline/acknowledge';

/** GuardDuty protection plans every detector of ours turns on (S3 data events, RDS logins, Lambda network activity). */
export const GUARDDUTY_FEATURES = ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'LAMBDA_NETWORK_LOGS'] as const;

export interface GuardDutyDetectorProps {
  /**
   * How often updated findings are exported to EventBridge.
   * @default 'FIFTEEN_MINUTES' - the shortest interval GuardDuty offers
   */
  readonly findingPublishingFrequency?: 'FIFTEEN_MINUTES' | 'ONE_HOUR' | 'SIX_HOURS';
}

/**
 * A GuardDuty detector for one region (45 CFR 164.308(a)(1)(ii)(D), 164.308(a)(6)) with S3, RDS and Lambda
 * protection, configured with `Features` only: CloudFormation refuses a detector that sets both
 * `DataSources` and `Features` ("Either DataSources or Features can be specified, not both"), and
 * `Features` is the form AWS keeps current (`DataSources` is the legacy one).
 *
 * One detector per account and region: create it only where the account has none (Organizations or Control
 * Tower may already run one; the preflight check looks).
 */
export class GuardDutyDetector extends Construct {
  public readonly detector: guardduty.CfnDetector;

  constructor(scope: Construct, id: string, props: GuardDutyDetectorProps = {}) {
    super(scope, id);
    this.detector = new guardduty.CfnDetector(this, 'Default', {
      enable: true,
      findingPublishingFrequency: props.findingPublishingFrequency ?? 'FIFTEEN_MINUTES',
      features: GUARDDUTY_FEATURES.map((name) => ({ name, status: 'ENABLED' })),
    });
    acceptFinding(this.detector, {
      ruleId: 'cdk-validator-cfnguard::guardduty_s3_protection_enabled_check',
      reason:
        'CT.GUARDDUTY.PR.1 reads only the legacy DataSources.S3Logs setting; CloudFormation refuses a detector that sets both DataSources and Features, so S3 protection is turned on as the S3_DATA_EVENTS feature instead.',
      compensatingControl: 'the detector enables the S3_DATA_EVENTS feature (GuardDuty S3 Protection), with RDS and Lambda protection',
    });
  }
}
