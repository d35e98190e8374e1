import { loadAssemblyModel } from './assembly-model';
import { interactionCatalogue, reachabilityCatalogue } from './catalogue';
import { evaluateReachability } from './network';
import { objectLockRefuses } from './object-lock';

/**
 * The behavioural part of the evidence pack, computed from the cloud assembly without the test-only IAM
 * evaluator (iam-simulate is AGPL-3.0 and is not shipped):
 * - network paths and S3 Object Lock semantics are evaluated here, at evidence build; a failure makes every
 *   control citing it not met;
 * - permission interactions are listed with the controls they support, and evaluated by the test suite
 *   (`test/behaviour.test.ts`, run by `npm test` in CI): here they are "evaluated in CI", never "proven";
 * - what no offline check can show is listed as such.
 */

export type BehaviourStatus = 'proven' | 'failed' | 'evaluated-in-ci' | 'not-provable-offline';

export interface BehaviourRecord {
  readonly id: string;
  readonly title: string;
  readonly controls: string[];
  readonly expect: string;
  readonly method: 'policy' | 'object-lock' | 'network';
  readonly status: BehaviourStatus;
  /** How it was (or is) established. */
  readonly how: string;
  /** The deciding rules, or what is not provable. */
  readonly detail: string;
}

/** What only a deployed account shows (see docs/behavioural-verification.md and the integration tests). */
export const NOT_PROVABLE_OFFLINE: readonly string[] = [
  'Delivery: that an alarm notification reaches a confirmed e-mail subscriber (subscriptions wait for a person).',
  'That AWS Backup jobs complete and restores succeed (service-side behaviour, quotas, timing).',
  "That AWS-owned principals act as documented: the ELB log delivery account, the rotation application's own role policy.",
  'That the tenant logins exist in PostgreSQL and connect with IAM authentication (the database tests run the provisioning SQL against a real PostgreSQL; the RDS IAM plugin needs RDS).',
  'Service control policies, resource control policies and permission boundaries set outside this app (Organizations).',
];

const POLICY_HOW =
  'permission evaluation of identity, resource, endpoint and trust policies with @cloud-copilot/iam-simulate in the test suite (test/behaviour.test.ts, npm test); the evaluator is AGPL-3.0 and not shipped, so it does not run at synth';

/** Evaluate what can be evaluated without the test-only evaluator, and describe the rest. */
export function behaviouralEvidence(assemblyDir: string): BehaviourRecord[] {
  const m = loadAssemblyModel(assemblyDir);
  const out: BehaviourRecord[] = [];
  for (const i of interactionCatalogue(m)) {
    const base = { id: i.id, title: i.title, controls: i.controls, expect: i.expect };
    if (i.missing) {
      out.push({ ...base, method: i.method, status: 'failed', how: 'catalogue lookup in the templates', detail: i.missing });
    } else if (i.method === 'object-lock') {
      const r = objectLockRefuses(m, i);
      const ok = r.refused === (i.expect === 'deny');
      out.push({
        ...base,
        method: 'object-lock',
        status: ok ? 'proven' : 'failed',
        how: 'S3 Object Lock semantics, read from the bucket configuration',
        detail: r.reason,
      });
    } else {
      out.push({
        ...base,
        method: 'policy',
        status: 'evaluated-in-ci',
        how: POLICY_HOW,
        detail: i.notProvable ?? i.principal.externalGrant ?? `${i.principal.label} → ${i.actions.join(', ')} on ${i.resource.label}`,
      });
    }
  }
  for (const r of evaluateReachability(m, reachabilityCatalogue(m))) {
    out.push({
      id: r.check.id,
      title: r.check.title,
      controls: r.check.controls,
      expect: r.check.expect,
      method: 'network',
      status: r.pass ? 'proven' : 'failed',
      how: 'network path from the templates: route tables, security groups (rules, prefix lists, default egress), network ACLs, private DNS; the S3 endpoint policy is evaluated in the test suite',
      detail: r.reasons.join('; '),
    });
  }
  return out;
}
