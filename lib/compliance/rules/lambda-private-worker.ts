import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/**
 * Every function runs in a VPC, with reserved concurrency and a dead-letter queue. Handlers of CDK's own
 * custom resource providers (`Custom::` in the construct path) are out of scope: they run at deploy time only,
 * hold no PHI, and their code is not ours to move into a VPC.
 */
export const LambdaPrivateWorker: StrictRule = {
  id: 'LambdaPrivateWorker',
  section: '164.312(a)(1), 164.312(e)(1)',
  info: 'The function is not a private worker: it needs VpcConfig (isolated subnets), ReservedConcurrentExecutions and a DeadLetterConfig.',
  explanation:
    'Workers handle PHI: outside the VPC they reach the internet, without a concurrency limit a flood exhausts the database, and without a dead-letter queue a failed job vanishes.',
  check(r) {
    if (r.type !== 'AWS::Lambda::Function' || r.path.includes('Custom::')) return NOT_APPLICABLE;
    const p = r.props;
    return p.VpcConfig !== undefined && p.ReservedConcurrentExecutions !== undefined && p.DeadLetterConfig !== undefined
      ? COMPLIANT
      : NON_COMPLIANT;
  },
};
