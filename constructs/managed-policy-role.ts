import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Same props as iam.Role. */
export type ManagedPolicyRoleProps = iam.RoleProps;

/**
 * An IAM role whose granted permissions land in a customer-managed policy it owns, never in an inline
 * policy.
 *
 * HIPAA 164.312(a)(1) / the Config rule `iam-no-inline-policy` ask for managed policies so that every
 * permission set is a versioned, separately auditable object. CDK grants (`bucket.grantRead(role)`)
 * call `addToPrincipalPolicy`, which on a plain `iam.Role` writes an inline `DefaultPolicy`; here it
 * appends to the role's own `AWS::IAM::ManagedPolicy` instead, so grants keep working unchanged.
 */
export class ManagedPolicyRole extends iam.Role {
  private grantsPolicy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ManagedPolicyRoleProps) {
    super(scope, id, props);
  }

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.grantsPolicy) {
      this.grantsPolicy = new iam.ManagedPolicy(this, 'Grants', {
        description: `Permissions granted to ${this.node.path}`,
        roles: [this],
      });
    }
    this.grantsPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.grantsPolicy };
  }
}
