import { NAG_PACKS } from '../baseline/acknowledge';

/**
 * The exact call that accepts a finding (lib/baseline/acknowledge.ts): `acceptNagFinding` for a rule of the
 * cdk-nag HIPAA Security or NIST 800-53 R5 packs (it accepts the rule in both, as they share rule names),
 * `acceptFinding` with the full rule id for anything else. `construct` is the code expression for the
 * narrowest construct that carries the finding.
 */
export function acceptCall(ruleId: string, construct: string): string {
  const body = `reason: '<why the rule does not apply here>', compensatingControl: '<the control that covers the risk>'`;
  const pack = NAG_PACKS.find((p) => ruleId.startsWith(`${p}-`));
  if (pack) return `acceptNagFinding(${construct}, '${ruleId.slice(pack.length + 1)}', { ${body} })`;
  return `acceptFinding(${construct}, { ruleId: '${ruleId}', ${body} })`;
}
