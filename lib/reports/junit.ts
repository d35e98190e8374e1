import { CheckResult, ComplianceChecks } from './checks';

/** The file name of the JUnit report, beside `validation-report.json`. */
export const JUNIT_FILE = 'compliance-junit.xml';

/** XML 1.0 text: escape markup, drop characters XML cannot hold. */
export function xmlEscape(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

function testcase(r: CheckResult): string {
  const name = xmlEscape(`${r.rule.id} ${r.constructPath}`);
  const classname = xmlEscape(`${r.rule.pack}.${r.stackName ?? 'app'}`);
  const file = r.source ? ` file="${xmlEscape(r.source.file)}" line="${r.source.line}"` : '';
  const open = `    <testcase name="${name}" classname="${classname}"${file}`;
  if (r.status === 'passed') return `${open}/>`;
  if (r.status === 'acknowledged') {
    return `${open}>\n      <skipped message="${xmlEscape(`acknowledged: ${r.reason ?? '(no reason recorded)'}`)}"/>\n    </testcase>`;
  }
  const where = r.source ? `${r.source.file}:${r.source.line}` : (r.templatePath ?? '');
  const text = [
    `${r.detail ?? r.rule.title}`,
    `Resource: ${r.constructPath}${r.logicalId ? ` (${r.stackName}/${r.logicalId})` : ''}`,
    where ? `Created at: ${where}` : '',
    `Fix: ${r.rule.fix || r.rule.description}`,
    r.rule.hipaaSections.length ? `HIPAA: 45 CFR ${r.rule.hipaaSections.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return `${open}>\n      <failure message="${xmlEscape(r.rule.title)}" type="${xmlEscape(r.rule.level)}">${xmlEscape(text)}</failure>\n    </testcase>`;
}

/**
 * A JUnit XML report of one synthesis: a test suite per pack, a test case per rule × resource checked; a failed
 * check is a `<failure>`, an acknowledged one is `<skipped>` with the reason, a passed one an empty test case.
 */
export function toJUnit(checks: ComplianceChecks): string {
  const suites = checks.packs.map((pack) => {
    const rs = checks.results
      .filter((r) => r.rule.pack === pack.name)
      .sort((a, b) => a.rule.id.localeCompare(b.rule.id) || a.constructPath.localeCompare(b.constructPath));
    const failures = rs.filter((r) => r.status === 'failed').length;
    const skipped = rs.filter((r) => r.status === 'acknowledged').length;
    return [
      `  <testsuite name="${xmlEscape(pack.name)}" tests="${rs.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
      `    <properties><property name="checked" value="${xmlEscape(pack.method)}"/></properties>`,
      ...rs.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  const all = checks.results.filter((r) => checks.packs.some((p) => p.name === r.rule.pack));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hipaa-stack compliance gate" tests="${all.length}" failures="${all.filter((r) => r.status === 'failed').length}" errors="0" skipped="${all.filter((r) => r.status === 'acknowledged').length}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
