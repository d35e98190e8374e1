import { COMPLIANT, NOT_APPLICABLE, ResourceView, StrictRule } from './rule';
import { APPROVED_STATEFUL_RESOURCES, STATEFUL_TYPES, statefulEntry } from '../stateful';

/**
 * The committed manifest of stateful resources (`lib/compliance/stateful-resources.json`, keyed by stack name)
 * holds for every stack it lists: a logical id that disappeared means CloudFormation would create a new, empty
 * database, bucket, key, vault or log group and delete or orphan the old one. Stacks the manifest does not list
 * (your own apps, other environments) are out of scope.
 *
 * The finding names each missing resource (`HIPAA.Strict-StatefulLogicalIds[<type> <logical id>]`). It is reported
 * on the stateful resources of the stack that are not in the manifest (the likely replacements), or, when there
 * are none, on the first stateful resource of the stack.
 */
export const StatefulLogicalIds: StrictRule = {
  id: 'StatefulLogicalIds',
  section: '164.308(a)(7)(ii)(A), 164.312(c)(1)',
  info:
    'A stateful resource of the approved manifest (lib/compliance/stateful-resources.json) is missing from its stack: CloudFormation would replace or delete it. ' +
    'If that is deliberate and the data is migrated, run `npm run approve:stateful` and commit the manifest.',
  explanation: 'A changed logical id replaces a database, bucket or key: the data in the old one is lost or orphaned.',
  check(r) {
    if (!STATEFUL_TYPES.includes(r.type) || r.stack.name === undefined) return NOT_APPLICABLE;
    const approved = APPROVED_STATEFUL_RESOURCES[r.stack.name];
    if (!approved) return NOT_APPLICABLE;
    const present = statefulOf(r);
    const missing = approved.filter((id) => !present.some((p) => statefulEntry(p) === id));
    if (missing.length === 0) return COMPLIANT;
    const unapproved = present.filter((p) => !approved.includes(statefulEntry(p)));
    const reportedOn = unapproved.length ? unapproved : present.slice(0, 1);
    return reportedOn.some((p) => p.logicalId === r.logicalId) ? missing : COMPLIANT;
  },
};

/** The stateful resources of the stack of `r`, sorted by logical id. */
function statefulOf(r: ResourceView): ResourceView[] {
  return STATEFUL_TYPES.flatMap((t) => r.stack.resourcesOfType(t)).sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}
