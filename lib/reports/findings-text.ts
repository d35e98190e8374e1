import { NAG_PACKS } from '../baseline/acknowledge';
import { acceptCall } from './accept-call';
import { CheckResult, ComplianceChecks } from './checks';

/** The construct a finding sits on, named for a person: `Resource`/`Default` children read as their parent. */
function constructExpression(constructPath: string): string {
  return `/* the construct at ${constructPath} */ construct`;
}

/**
 * Failed checks grouped by resource, for a person reading a failing synth: where the resource was created,
 * and for each rule what is wrong, how to fix it, the HIPAA sections, and the call that accepts the finding.
 */
export function formatFindingsByResource(checks: ComplianceChecks): string {
  const failed = checks.results.filter((r) => r.status === 'failed');
  const byResource = new Map<string, CheckResult[]>();
  for (const r of failed) byResource.set(r.constructPath, [...(byResource.get(r.constructPath) ?? []), r]);
  const out: string[] = [];
  const resources = [...byResource.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [constructPath, rs] of resources) {
    const first = rs[0];
    const where = first.source ? `${first.source.file}:${first.source.line}` : (first.templatePath ?? '(source unknown)');
    out.push(`${where}  ${constructPath}${first.logicalId ? `  (${first.stackName}/${first.logicalId})` : ''}`);
    // The same cdk-nag rule in the HIPAA and NIST packs is one finding for a person, accepted by one call.
    const groups = new Map<string, CheckResult[]>();
    for (const r of rs) {
      const pack = NAG_PACKS.find((p) => r.rule.id.startsWith(`${p}-`));
      const key = pack ? `nag:${r.rule.id.slice(pack.length + 1)}` : r.rule.id;
      if (!groups.get(key)?.some((x) => x.rule.id === r.rule.id)) groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [, same] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const r = same[0];
      out.push(`  ✗ ${same.map((x) => x.rule.id).join(', ')} [${r.rule.level}]: ${r.detail ?? r.rule.title}`);
      if (r.rule.fix) out.push(`      fix:    ${r.rule.fix}`);
      const sections = [...new Set(same.flatMap((x) => x.rule.hipaaSections))].sort();
      if (sections.length) out.push(`      HIPAA:  45 CFR ${sections.join(', ')}`);
      out.push(`      accept: ${acceptCall(r.rule.id, constructExpression(constructPath))}`);
    }
    out.push('');
  }
  const rulesFailed = new Set(failed.map((r) => r.rule.id)).size;
  out.push(
    `${failed.length} finding(s) of ${rulesFailed} rule(s) on ${byResource.size} resource(s). How to accept a finding: docs/findings.md`,
  );
  return out.join('\n');
}
