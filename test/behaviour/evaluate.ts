/**
 * Permission evaluation of the interaction catalogue with @cloud-copilot/iam-simulate (AGPL-3.0: test-only,
 * never imported by what the package ships). Identity policies (inline, customer managed, AWS managed by their
 * real documents), permission boundaries, resource policies, VPC endpoint policies and explicit denies are
 * evaluated as AWS evaluates them; a request or policy holding an unresolvable token is reported as such.
 *
 * Each request runs twice through iam-simulate: `runSimulation` validates the policies, the action and the
 * resource type (a typo in the catalogue or a malformed policy is an error), then the library's own engine
 * (`authorize`, what `runSimulation` calls) decides with the request context exactly as the catalogue states it.
 * `runSimulation` drops context keys its action data does not list, and two that decide our results are missing
 * there: `s3:DataAccessPointAccount` on object actions, and `kms:EncryptionContext:<key>` whose key holds colons
 * (`aws:logs:arn`, `aws:cloudtrail:arn`). Both are documented request keys of S3 and KMS.
 */
import * as path from 'path';
import { loadPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation, Simulation } from '@cloud-copilot/iam-simulate';
import { AssemblyModel, hasUnresolved, Resolved, unresolvedParts } from '../../lib/behaviour/assembly-model';
import { Interaction } from '../../lib/behaviour/interaction';
import { objectLockRefuses } from '../../lib/behaviour/object-lock';
import { ReachabilityResult } from '../../lib/behaviour/network';
import { endpointPolicy, identityPolicies, NamedPolicy, permissionBoundary, resourcePolicy } from '../../lib/behaviour/policies';
import { awsManagedPolicy } from './aws-managed-policies';

export type Outcome = 'allowed' | 'denied' | 'unresolved' | 'missing' | 'error';

export interface Verdict {
  readonly interaction: Interaction;
  readonly outcome: Outcome;
  readonly pass: boolean;
  /** The statements or rules that decided (the blocking ones when denied). */
  readonly reasons: string[];
  /** One line naming the interaction, principal, resource and what decided. */
  readonly message: string;
}

interface Leg {
  readonly name: string;
  readonly resource: string;
  readonly identity: NamedPolicy[];
  readonly resourcePolicy?: NamedPolicy;
}

// The engine behind runSimulation, loaded from the package's own files (its "exports" map lists the index only).
const ENGINE_DIR = path.dirname(require.resolve('@cloud-copilot/iam-simulate'));
/* eslint-disable @typescript-eslint/no-require-imports */
const { authorize } = require(path.join(ENGINE_DIR, 'core_engine', 'CoreSimulatorEngine.js')) as { authorize: (r: unknown) => unknown };
const { AwsRequestImpl } = require(path.join(ENGINE_DIR, 'request', 'request.js')) as { AwsRequestImpl: new (...a: unknown[]) => unknown };
const { RequestContextImpl } = require(path.join(ENGINE_DIR, 'requestContext.js')) as { RequestContextImpl: new (c: unknown) => unknown };
const { DiscoveryContextKeyConstraints } = require(path.join(ENGINE_DIR, 'context_keys', 'discoveryContextKeyConstraints.js')) as {
  DiscoveryContextKeyConstraints: new (c: unknown[]) => unknown;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** iam-simulate's `authorize` on a simulation, the request context passed as given (see the file comment). */
function authorizeWithFullContext(sim: Simulation, resourcePolicyName: string): unknown {
  const load = (p: { name: string; policy: unknown }) => loadPolicy(p.policy as never, { name: p.name });
  return authorize({
    request: new AwsRequestImpl(
      sim.request.principal,
      { resource: sim.request.resource.resource, accountId: sim.request.resource.accountId },
      sim.request.action,
      new RequestContextImpl(sim.request.contextVariables),
    ),
    sessionPolicy: undefined,
    identityPolicies: sim.identityPolicies.map(load),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: sim.resourcePolicy ? loadPolicy(sim.resourcePolicy as never, { name: resourcePolicyName }) : undefined,
    permissionBoundaries: sim.permissionBoundaryPolicies?.map(load),
    vpcEndpointPolicies: sim.vpcEndpointPolicies?.map(load),
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: {} },
  });
}

type StatementLike = { policyId?: string; statement?: unknown; explain?: { identifier?: string } };
type Analysis = { result?: string; allowStatements?: StatementLike[]; denyStatements?: StatementLike[] };

/**
 * `<policy name>: <Sid>`, or for a statement without a Sid `statement #<n, from 1>` and its condition;
 * identity policies are named `<n>:<name>` (see simulateAction).
 */
const statementName = (s: StatementLike, effect = '') => {
  const id = s.explain?.identifier ?? '?';
  const policy = (s.policyId ?? '').replace(/^\d+:/, '');
  if (!/^\d+$/.test(id)) return `${policy}: ${effect}${id}`;
  const raw = JSON.parse(JSON.stringify(s.statement ?? {})) as { Condition?: unknown };
  return `${policy}: ${effect}statement #${id}${raw.Condition ? ` (${JSON.stringify(raw.Condition)})` : ''}`;
};

function describeDenies(kind: string, a: Analysis | undefined): string[] {
  return (a?.denyStatements ?? []).map((s) => `${kind} ${statementName(s, 'Deny ')}`);
}

async function simulateAction(
  i: Interaction,
  action: string,
  leg: Leg,
  endpoint: NamedPolicy | undefined,
  boundary: NamedPolicy | undefined,
): Promise<{ outcome: Outcome; reasons: string[] }> {
  const sim: Simulation = {
    request: {
      principal: i.principal.principal,
      action,
      resource: { resource: leg.resource, accountId: i.resource.account },
      // aws:ResourceAccount is in every request on a resource (endpoint policies condition on it).
      contextVariables: { 'aws:ResourceAccount': i.resource.account, ...i.context },
    },
    identityPolicies: leg.identity.map((p, n) => ({ name: `${n}:${p.name}`, policy: p.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: leg.resourcePolicy?.document,
    permissionBoundaryPolicies: boundary ? [{ name: boundary.name, policy: boundary.document }] : undefined,
    vpcEndpointPolicies: endpoint ? [{ name: endpoint.name, policy: endpoint.document }] : undefined,
  };
  const checked = await runSimulation(sim, {});
  if (checked.resultType === 'error')
    return { outcome: 'error', reasons: [`${leg.name}: iam-simulate refused the request: ${JSON.stringify(checked.errors)}`] };
  const analysis = authorizeWithFullContext(sim, leg.resourcePolicy?.name ?? 'resource policy') as { result: string } & Record<
    string,
    Analysis | undefined
  >;
  if (analysis.result === 'Allowed') {
    const allows = [...(analysis.identityAnalysis?.allowStatements ?? []), ...(analysis.resourceAnalysis?.allowStatements ?? [])].map((s) =>
      statementName(s),
    );
    return { outcome: 'allowed', reasons: [`${leg.name} ${action}: allowed by ${allows.join(', ') || 'the evaluation'}`] };
  }
  const denies = [
    ...describeDenies('identity policy', analysis.identityAnalysis),
    ...describeDenies('resource policy', analysis.resourceAnalysis),
    ...describeDenies('permissions boundary', analysis.permissionBoundaryAnalysis),
    ...describeDenies('VPC endpoint policy', analysis.endpointAnalysis),
  ];
  if (denies.length) return { outcome: 'denied', reasons: denies.map((d) => `${leg.name} ${action}: explicitly denied by ${d}`) };
  const where = (['identity', 'resource', 'permissionBoundary', 'endpoint'] as const)
    .map((k) => [k, analysis[`${k}Analysis`]?.result] as const)
    .filter(([, result]) => result && result !== 'Allowed')
    .map(([k, result]) => `${k}: ${result}`);
  const rp = leg.resourcePolicy ? leg.resourcePolicy.name : 'no resource policy';
  const ids = leg.identity.length ? leg.identity.map((p) => p.name).join(', ') : 'no identity policy';
  return {
    outcome: 'denied',
    reasons: [
      `${leg.name} ${action}: implicitly denied (no statement allows it; ${where.join(', ')}; identity: ${ids}; resource: ${rp}${endpoint ? `; endpoint: ${endpoint.name}` : ''})`,
    ],
  };
}

/**
 * Endpoint policies take `"Principal": "*"`; CDK writes the equivalent `{"AWS": "*"}` (AnyPrincipal), which
 * iam-simulate's validator refuses. Same meaning, so it is rewritten before evaluation.
 */
function anyPrincipalAsStar(p: NamedPolicy | undefined): NamedPolicy | undefined {
  if (!p) return p;
  const doc = JSON.parse(JSON.stringify(p.document)) as { Statement?: Array<{ Principal?: unknown }> };
  for (const st of doc.Statement ?? []) if (JSON.stringify(st.Principal) === '{"AWS":"*"}') st.Principal = '*';
  return { name: p.name, document: doc as Resolved };
}

/** Evaluate one interaction of the catalogue against the assembly. */
export async function evaluateInteraction(m: AssemblyModel, i: Interaction): Promise<Verdict> {
  const verdict = (outcome: Outcome, reasons: string[]): Verdict => {
    const pass = (i.expect === 'allow' && outcome === 'allowed') || (i.expect === 'deny' && outcome === 'denied');
    const head = `[${i.id}] ${i.principal.label} → ${i.actions.join(', ')} on ${i.resource.label}: expected ${i.expect}, got ${outcome}`;
    return { interaction: i, outcome, pass, reasons, message: `${head}${reasons.length ? `: ${reasons.join('; ')}` : ''}` };
  };
  if (i.missing) return verdict('missing', [i.missing]);

  if (i.method === 'object-lock') {
    const lock = objectLockRefuses(m, i);
    return verdict(lock.refused ? 'denied' : 'allowed', [lock.reason]);
  }

  const identity: NamedPolicy[] = [];
  let boundary: NamedPolicy | undefined;
  if (i.principal.role) {
    const ids = identityPolicies(m, i.principal.role, awsManagedPolicy);
    if (ids.unknown.length) return verdict('unresolved', [`AWS managed policies with no known document: ${ids.unknown.join(', ')}`]);
    identity.push(...ids.policies);
    boundary = permissionBoundary(m, i.principal.role);
  } else if (i.principal.externalGrant) {
    identity.push({
      name: `assumed: ${i.principal.externalGrant}`,
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: i.actions, Resource: i.resource.arn }] },
    });
  }
  const legs: Leg[] = [];
  if (i.accessPoint) {
    legs.push({ name: 'access point', resource: i.resource.arn, identity, resourcePolicy: resourcePolicy(m, i.accessPoint.accessPoint) });
    // The bucket policy applies too (AWS: access point requests are checked against the bucket policy as well);
    // the identity grant is on the access point, so this leg checks the bucket policy with that grant.
    legs.push({
      name: 'bucket policy under the access point',
      resource: i.accessPoint.bucketObjectArn,
      identity: [
        {
          name: 'grant checked on the access point leg',
          document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: i.actions, Resource: i.accessPoint.bucketObjectArn }] },
        },
      ],
      resourcePolicy: resourcePolicy(m, i.accessPoint.bucket),
    });
  } else {
    legs.push({
      name: 'request',
      resource: i.resource.arn,
      identity,
      resourcePolicy: i.resource.owner ? resourcePolicy(m, i.resource.owner) : undefined,
    });
  }
  const endpoint = i.endpoint ? anyPrincipalAsStar(endpointPolicy(m, i.endpoint)) : undefined;

  if (i.resource.owner?.type === 'AWS::KMS::Key' && !legs[0].resourcePolicy)
    return verdict('denied', [`${i.resource.label} has no key policy: nobody can use it`]);
  const everything = [i.principal.principal, i.resource.arn, i.context, identity, legs.map((l) => l.resourcePolicy), endpoint, boundary];
  if (hasUnresolved(everything)) return verdict('unresolved', unresolvedParts(everything));

  const reasons: string[] = [];
  let all: Outcome = 'allowed';
  for (const action of i.actions) {
    for (const leg of legs) {
      const r = await simulateAction(i, action, leg, endpoint, boundary);
      if (r.outcome === 'error') return verdict('error', r.reasons);
      if (r.outcome !== 'allowed') {
        if (i.expect === 'allow') return verdict('denied', r.reasons);
        all = 'denied';
        reasons.push(...r.reasons);
        break;
      }
      if (i.expect === 'deny' && leg === legs[legs.length - 1]) return verdict('allowed', r.reasons);
    }
  }
  return verdict(all, i.expect === 'deny' ? reasons : []);
}

/** Evaluate every interaction. */
export async function evaluateAll(m: AssemblyModel, interactions: Interaction[]): Promise<Verdict[]> {
  const out: Verdict[] = [];
  for (const i of interactions) out.push(await evaluateInteraction(m, i));
  return out;
}

/**
 * A network path to S3 also needs the gateway endpoint's policy to admit the request: evaluate it for the
 * destination's action on an object of the bucket (the caller's own permissions are the IAM interactions' job).
 */
export async function evaluatePath(m: AssemblyModel, r: ReachabilityResult): Promise<ReachabilityResult> {
  const d = r.check.destination;
  if (d.kind !== 's3' || !r.endpoint) return r;
  const role = r.check.source.type === 'AWS::Lambda::Function' ? m.target(r.check.source.stack, r.check.source.props.Role) : undefined;
  const ours = r.check.source.stack.account ?? '';
  const bucketAccount = d.bucketArn.includes(':s3:::cloudformation-custom-resource-response-') ? '999999999999' : ours;
  const i: Interaction = {
    id: `${r.check.id}-endpoint-policy`,
    title: `${d.label}: the endpoint policy admits ${d.action}`,
    principal: {
      label: role ? `${role.stack.id}/${role.path}` : r.check.source.path,
      principal: role ? m.str(role.stack, { 'Fn::GetAtt': [role.logicalId, 'Arn'] }) : `arn:aws:iam::${ours}:role/caller`,
      account: ours,
      externalGrant: "the caller's own permissions (checked by the IAM interactions)",
    },
    actions: [d.action],
    // Only the endpoint policy is under test here: the request is evaluated as same-account (the caller's and the
    // bucket owner's permissions are not this check's concern), with the bucket's real owner in aws:ResourceAccount
    // (the CloudFormation response bucket belongs to AWS; the PUT is a presigned URL).
    resource: { label: d.label, arn: `${d.bucketArn}/object-key`, account: ours },
    endpoint: r.endpoint,
    context: { 'aws:SecureTransport': 'true', 'aws:SourceVpce': m.ref(r.endpoint), 'aws:ResourceAccount': bucketAccount },
    expect: 'allow',
    method: 'policy',
    controls: r.check.controls,
  };
  const v = await evaluateInteraction(m, i);
  if (v.pass) return { ...r, reasons: [...r.reasons, `${d.action} admitted by the endpoint policy`] };
  const reasons = [
    ...r.reasons,
    `${r.reachable ? 'but ' : 'and '}the endpoint policy ${v.outcome === 'denied' ? 'blocks' : `cannot be evaluated (${v.outcome}) for`} ${d.action} on ${d.bucketArn}/*: ${v.reasons.join('; ')}`,
  ];
  const pass = r.check.expect === 'unreachable';
  return {
    ...r,
    reachable: false,
    pass,
    reasons,
    message: `[${r.check.id}] ${r.check.title}: expected ${r.check.expect}, got unreachable: ${reasons.join('; ')}`,
  };
}
