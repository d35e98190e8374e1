import { ControlStatus, Evidence } from './schema';

const LABEL: Record<ControlStatus, string> = { met: 'met', 'met-with-accepted-finding': 'met with accepted finding', 'not-met': 'NOT MET' };

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The evidence as a self-contained HTML page: no scripts, no external resources, printable. */
export function renderHtml(e: Evidence): string {
  const p = e.provenance;
  const badge = (s: ControlStatus) => `<span class="badge ${s}">${LABEL[s]}</span>`;
  const claims = e.trustCenter
    .map((c) =>
      c.text
        ? `<li>${esc(c.text)} <a href="#control-${esc(c.controls[0])}">evidence</a></li>`
        : `<li class="gap"><strong>Gap.</strong> ${esc(c.gap)} ${c.controls.map((id) => `<a href="#control-${esc(id)}">${esc(id)}</a>`).join(' ')}</li>`,
    )
    .join('\n');
  const sections = e.sections
    .map(
      (s) =>
        `<tr><td>${esc(s.section)}</td><td>${esc(s.title)}</td><td>${s.controls.map((id) => `<a href="#control-${esc(id)}">${esc(id)}</a>`).join(', ')}</td><td>${badge(s.status)}</td></tr>`,
    )
    .join('\n');
  const controls = e.controls
    .map((c) => {
      const rules = [
        ['cdk-nag HIPAA Security', c.rules.hipaa],
        ['cdk-nag NIST 800-53 R5', c.rules.nist],
        ['Control Tower', c.rules.controlTower],
        ['HIPAA.Strict', c.rules.strict],
      ]
        .filter(([, r]) => (r as string[]).length)
        .map(([n, r]) => `<b>${esc(n)}</b>: ${(r as string[]).map(esc).join(', ')}`)
        .join('<br>');
      const rows = c.resources
        .map(
          (r) =>
            `<tr><td>${esc(r.stack)}</td><td><code>${esc(r.logicalId)}</code><br><small>${esc(r.path)}</small></td><td>${esc(r.type)}</td><td>${Object.entries(
              r.values,
            )
              .map(([k, v]) => `${esc(k)}: <code>${esc(show(v))}</code>`)
              .join(
                '<br>',
              )}</td><td>${badge(r.status)}${r.failed.length ? `<br><small>failing: ${r.failed.map(esc).join(', ')}</small>` : ''}${
              r.accepted.length ? `<br><small>accepted: ${r.accepted.map(esc).join(', ')}</small>` : ''
            }</td></tr>`,
        )
        .join('\n');
      return `<section class="control" id="control-${esc(c.id)}">
<h3>${esc(c.title)} ${badge(c.status)}</h3>
<p><small>${esc(c.id)} · 45 CFR ${c.sections.map(esc).join(', ')}</small><br>${rules}</p>
<table><thead><tr><th>stack</th><th>resource</th><th>type</th><th>values in the template</th><th>status</th></tr></thead><tbody>
${rows || '<tr><td colspan="5">No resource implements this control.</td></tr>'}
</tbody></table></section>`;
    })
    .join('\n');
  const accepted = e.acceptedFindings
    .map(
      (a) =>
        `<tr><td><code>${esc(a.rule)}</code></td><td><small>${esc(a.path)}</small></td><td>${esc(a.reason)}</td><td>${esc(a.compensatingControl)}</td></tr>`,
    )
    .join('\n');
  const inventory = e.dataInventory
    .map(
      (d) =>
        `<tr><td>${esc(d.stack)}</td><td><code>${esc(d.logicalId)}</code></td><td>${esc(d.type)}</td><td>${esc(d.holds)}</td><td>${esc(d.encryptionKey)}</td><td>${esc(d.retention)}</td><td>${esc(d.backup)}</td><td>${esc(d.replication)}</td><td>${esc(d.deletion)}</td></tr>`,
    )
    .join('\n');
  const templates = p.templates
    .map(
      (t) =>
        `<tr><td>${esc(t.stack)}</td><td>${esc(t.region)}</td><td><code>${esc(t.file)}</code></td><td><code>${esc(t.sha256)}</code></td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>HIPAA infrastructure evidence: ${esc(p.environment)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:75rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}h3{font-size:1.05rem;margin-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}code{font-size:12px;word-break:break-all}small{color:#555}
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:12px;font-weight:600;white-space:nowrap}
.met{background:#dff3e4;color:#13502a}.met-with-accepted-finding{background:#fff3cd;color:#6b4e00}.not-met{background:#f8d7da;color:#842029}
.gap{color:#842029}.summary td{font-weight:600}
@media print{a{color:inherit;text-decoration:none}section.control{break-inside:avoid}body{margin:0;max-width:none}}
</style></head><body>
<h1>HIPAA infrastructure evidence: ${esc(p.environment)}</h1>
<p>Generated ${esc(e.generatedAt)} from the synthesized CloudFormation templates of config <code>${esc(p.configName)}</code>
(regions ${esc(p.regions.primary)} and ${esc(p.regions.disasterRecovery)}${p.account ? `, account ${esc(p.account)}` : ''}). Schema ${esc(e.schemaVersion)}.</p>
<table class="summary"><tr><td>${e.summary.controls} controls</td><td>${e.summary.met} met</td><td>${e.summary.metWithAcceptedFinding} met with accepted finding</td><td>${e.summary.notMet} not met</td></tr></table>
<h2 id="trust-center">Trust center</h2>
<p>Each sentence is generated from the template values linked beside it. A claim whose control is missing or weakened is not printed; the gap is shown instead.</p>
<ul>
${claims}
</ul>
<h2 id="sections">HIPAA sections</h2>
<table><thead><tr><th>section</th><th>standard</th><th>controls</th><th>status</th></tr></thead><tbody>
${sections}
</tbody></table>
<h2 id="controls">Controls</h2>
${controls}
<h2 id="accepted-findings">Accepted findings</h2>
<table><thead><tr><th>rule</th><th>construct</th><th>reason</th><th>compensating control</th></tr></thead><tbody>
${accepted || '<tr><td colspan="4">None.</td></tr>'}
</tbody></table>
<h2 id="data-inventory">Data inventory</h2>
<table><thead><tr><th>stack</th><th>resource</th><th>type</th><th>holds</th><th>encryption key</th><th>retention</th><th>backup</th><th>replication / copies</th><th>deletion</th></tr></thead><tbody>
${inventory}
</tbody></table>
<h2 id="behaviour">Behavioural verification</h2>
<p>Interactions and network paths the controls rely on (docs/behavioural-verification.md). <em>proven</em> and <em>failed</em>: evaluated when this pack was built; <em>evaluated-in-ci</em>: permission checks run by the test suite, not at synth.</p>
<table><thead><tr><th>interaction</th><th>expected</th><th>status</th><th>controls</th><th>how</th><th>detail</th></tr></thead><tbody>
${(e.behaviour?.records ?? []).map((b) => `<tr><td>${esc(b.title)}<br><code>${esc(b.id)}</code></td><td>${esc(b.expect)}</td><td>${esc(b.status)}</td><td>${esc(b.controls.join(', '))}</td><td>${esc(b.how)}</td><td>${esc(b.detail)}</td></tr>`).join('\n')}
</tbody></table>
<p>Not provable offline:</p>
<ul>${(e.behaviour?.notProvableOffline ?? []).map((o) => `<li>${esc(o)}</li>`).join('')}</ul>
<h2 id="out-of-scope">Out of scope</h2>
<p>This pack proves what the templates configure, nothing more. It does not prove:</p>
<ul>${e.outOfScope.map((o) => `<li>${esc(o)}</li>`).join('')}</ul>
<h2 id="provenance">Provenance</h2>
<p>Git commit <code>${esc(p.gitCommit ?? 'unknown')}</code>${p.gitDirty ? ' <strong>(working tree had uncommitted changes)</strong>' : ''};
aws-cdk-lib ${esc(p.versions.awsCdkLib)}, cdk-nag ${esc(p.versions.cdkNag)}, cdk-validator-cfnguard ${esc(p.versions.cdkValidatorCfnguard)} (guard ${esc(p.versions.guardRules)}).
Verify with <code>npm run evidence -- verify &lt;cdk.out&gt;</code>.</p>
<table><thead><tr><th>stack</th><th>region</th><th>template</th><th>SHA-256</th></tr></thead><tbody>
${templates}
</tbody></table>
</body></html>
`;
}

/** The evidence as Markdown. */
export function renderMarkdown(e: Evidence): string {
  const p = e.provenance;
  const cell = (s: unknown) =>
    String(s ?? '')
      .replace(/\|/g, '\\|')
      .replace(/\n/g, ' ');
  const lines: string[] = [
    `# HIPAA infrastructure evidence: ${p.environment}`,
    '',
    `Generated ${e.generatedAt} from the synthesized templates of config \`${p.configName}\` (regions ${p.regions.primary}, ${p.regions.disasterRecovery}). Schema ${e.schemaVersion}.`,
    '',
    `**${e.summary.controls} controls: ${e.summary.met} met, ${e.summary.metWithAcceptedFinding} met with accepted finding, ${e.summary.notMet} not met.**`,
    '',
    '## Trust center',
    '',
    ...e.trustCenter.map((c) => (c.text ? `- ${c.text} ([evidence](#control-${c.controls[0]}))` : `- **Gap.** ${c.gap}`)),
    '',
    '## HIPAA sections',
    '',
    '| section | standard | controls | status |',
    '| --- | --- | --- | --- |',
    ...e.sections.map((s) => `| ${s.section} | ${s.title} | ${s.controls.join(', ')} | ${LABEL[s.status]} |`),
    '',
    '## Controls',
  ];
  for (const c of e.controls) {
    lines.push(
      '',
      `<a id="control-${c.id}"></a>`,
      `### ${c.title} — ${LABEL[c.status]}`,
      '',
      `\`${c.id}\` · 45 CFR ${c.sections.join(', ')} · rules: ${[...c.rules.hipaa, ...c.rules.nist, ...c.rules.controlTower, ...c.rules.strict].join(', ') || '(template check)'}`,
      '',
      '| stack | resource | type | values | status |',
      '| --- | --- | --- | --- | --- |',
      ...c.resources.map(
        (r) =>
          `| ${r.stack} | \`${r.logicalId}\` | ${r.type} | ${cell(
            Object.entries(r.values)
              .map(([k, v]) => `${k}: ${show(v)}`)
              .join('; '),
          )} | ${LABEL[r.status]}${r.failed.length ? ` (failing: ${r.failed.join(', ')})` : ''} |`,
      ),
    );
  }
  lines.push(
    '',
    '## Accepted findings',
    '',
    '| rule | construct | reason | compensating control |',
    '| --- | --- | --- | --- |',
    ...e.acceptedFindings.map((a) => `| \`${a.rule}\` | \`${a.path}\` | ${cell(a.reason)} | ${cell(a.compensatingControl)} |`),
    '',
    '## Data inventory',
    '',
    '| stack | resource | type | holds | key | retention | backup | replication | deletion |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...e.dataInventory.map(
      (d) =>
        `| ${d.stack} | \`${d.logicalId}\` | ${d.type} | ${cell(d.holds)} | ${cell(d.encryptionKey)} | ${cell(d.retention)} | ${cell(d.backup)} | ${cell(d.replication)} | ${d.deletion} |`,
    ),
    '',
    '## Behavioural verification',
    '',
    'proven / failed: evaluated when this pack was built; evaluated-in-ci: permission checks run by the test suite, not at synth.',
    '',
    '| interaction | expected | status | controls | detail |',
    '| --- | --- | --- | --- | --- |',
    ...(e.behaviour?.records ?? []).map(
      (b) => `| ${cell(b.title)} (\`${b.id}\`) | ${b.expect} | ${b.status} | ${b.controls.join(', ')} | ${cell(b.detail)} |`,
    ),
    '',
    'Not provable offline:',
    '',
    ...(e.behaviour?.notProvableOffline ?? []).map((o) => `- ${o}`),
    '',
    '## Out of scope',
    '',
    ...e.outOfScope.map((o) => `- ${o}`),
    '',
    '## Provenance',
    '',
    `Git commit \`${p.gitCommit ?? 'unknown'}\`${p.gitDirty ? ' (uncommitted changes)' : ''}; aws-cdk-lib ${p.versions.awsCdkLib}, cdk-nag ${p.versions.cdkNag}, cdk-validator-cfnguard ${p.versions.cdkValidatorCfnguard} (guard ${p.versions.guardRules}).`,
    '',
    '| stack | region | template | SHA-256 |',
    '| --- | --- | --- | --- |',
    ...p.templates.map((t) => `| ${t.stack} | ${t.region} | \`${t.file}\` | \`${t.sha256}\` |`),
    '',
  );
  return lines.join('\n');
}
