import { ControlStatus, Evidence } from './schema';

const LABEL: Record<ControlStatus, string> = { met: 'met', 'met-with-accepted-finding': 'met with accepted finding', 'not-met': 'NOT MET' };

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Break opportunities after `/` and `::` (construct paths, resource types), so they wrap at their separators. */
const breakable = (s: unknown): string => esc(s).replace(/(\/|::)/g, '$1<wbr>');
/**
 * An identifier (rule id, control id, interaction id): it may wrap only after a separator (`-`, `.`, `:`, `_`, `/`),
 * never inside a word; with no `overflow-wrap:anywhere` or `word-break` the table gives the column room for the
 * longest segment.
 */
const id = (s: unknown): string => `<code class="id">${esc(s).replace(/([-.:_/]+)/g, '$1<wbr>')}</code>`;
/** A logical id (`NetworkVpcworkersSubnet1RouteTable...`): may wrap also between the words of its camel case. */
const logicalId = (s: unknown): string => `<code class="id lid">${esc(s).replace(/([a-z])(?=[A-Z])/g, '$1<wbr>')}</code>`;
/** A SHA-256 digest: one unbroken line. */
const digest = (s: unknown): string => `<code class="digest">${esc(s)}</code>`;

/** The sections of the page, in order: the table of contents. */
const CONTENTS: ReadonlyArray<[string, string]> = [
  ['summary', 'Summary'],
  ['binding', 'Binding'],
  ['trust-center', 'Trust center'],
  ['sections', 'HIPAA sections'],
  ['controls', 'Controls'],
  ['accepted-findings', 'Accepted findings'],
  ['data-inventory', 'Data inventory'],
  ['behaviour', 'Behavioural verification'],
  ['out-of-scope', 'Out of scope'],
  ['provenance', 'Templates'],
];

/**
 * The evidence as a self-contained HTML page: no scripts, no external resources, printable. The table of contents,
 * the summary and the binding (commit, config, templates, manifest) come first; long detail is folded in
 * `<details>` (a link into it opens it).
 */
export function renderHtml(e: Evidence): string {
  const p = e.provenance;
  const badge = (s: ControlStatus) => `<span class="badge ${s}">${LABEL[s]}</span>`;
  const claims = e.trustCenter
    .map((c) =>
      c.text
        ? `<li>${esc(c.text)} <a href="#control-${esc(c.controls[0])}">evidence</a></li>`
        : `<li class="gap"><strong>Gap.</strong> ${esc(c.gap)} ${c.controls.map((x) => `<a href="#control-${esc(x)}">${esc(x)}</a>`).join(' ')}</li>`,
    )
    .join('\n');
  const sections = e.sections
    .map(
      (s) =>
        `<tr><td class="nowrap">${esc(s.section)}</td><td>${esc(s.title)}</td><td>${s.controls.map((x) => `<a href="#control-${esc(x)}">${esc(x)}</a>`).join(', ')}</td><td>${badge(s.status)}</td></tr>`,
    )
    .join('\n');
  const overview = e.controls
    .map(
      (c) =>
        `<tr><td><a href="#control-${esc(c.id)}">${esc(c.title)}</a></td><td>${id(c.id)}</td><td>${c.sections.map(esc).join(', ')}</td><td>${badge(c.status)}</td><td class="num">${
          c.resources.length ? `<a href="#control-${esc(c.id)}-resources">${c.resources.length}</a>` : '0'
        }</td></tr>`,
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
        .map(([n, r]) => `<b>${esc(n)}</b>: ${(r as string[]).map(id).join(', ')}`)
        .join('<br>');
      const rows = c.resources
        .map(
          (r) =>
            `<tr><td>${esc(r.stack)}</td><td>${logicalId(r.logicalId)}<br><small>${breakable(r.path)}</small></td><td>${breakable(r.type)}</td><td class="values">${Object.entries(
              r.values,
            )
              .map(([k, v]) => `${esc(k)}: <code>${esc(show(v))}</code>`)
              .join(
                '<br>',
              )}</td><td>${badge(r.status)}${r.failed.length ? `<br><small>failing:<br>${r.failed.map(id).join('<br>')}</small>` : ''}${
              r.accepted.length ? `<br><small>accepted:<br>${r.accepted.map(id).join('<br>')}</small>` : ''
            }</td></tr>`,
        )
        .join('\n');
      const interactions = c.interactions?.length ? `<br><b>Interactions</b>: ${c.interactions.map(id).join(', ')}` : '';
      return `<section class="control" id="control-${esc(c.id)}">
<h3>${esc(c.title)} ${badge(c.status)}</h3>
<p><small>${id(c.id)} · 45 CFR ${c.sections.map(esc).join(', ')}</small><br>${rules}${interactions}</p>
<details${c.status === 'not-met' ? ' open' : ''}><summary>${c.resources.length} resource(s): values read from the templates</summary>
<table id="control-${esc(c.id)}-resources"><thead><tr><th>stack</th><th>resource</th><th>type</th><th>values in the template</th><th>status</th></tr></thead><tbody>
${rows || '<tr><td colspan="5">No resource implements this control.</td></tr>'}
</tbody></table></details></section>`;
    })
    .join('\n');
  const accepted = e.acceptedFindings
    .map(
      (a) =>
        `<tr><td class="rule">${id(a.rule)}</td><td><small>${breakable(a.path)}</small></td><td>${esc(a.reason)}</td><td>${esc(a.compensatingControl)}</td></tr>`,
    )
    .join('\n');
  const inventory = e.dataInventory
    .map(
      (d) =>
        `<tr><td>${esc(d.stack)}</td><td>${logicalId(d.logicalId)}</td><td>${breakable(d.type)}</td><td>${esc(d.holds)}</td><td class="prose">${breakable(d.encryptionKey)}</td><td class="prose">${esc(d.retention)}</td><td class="prose">${esc(d.backup)}</td><td class="prose">${esc(d.replication)}</td><td class="prose">${esc(d.deletion)}</td></tr>`,
    )
    .join('\n');
  const templates = p.templates
    .map((t) => `<tr><td>${esc(t.stack)}</td><td>${esc(t.region)}</td><td>${breakable(t.file)}</td><td>${digest(t.sha256)}</td></tr>`)
    .join('\n');
  const dirty =
    p.gitDirty === null
      ? 'not built from a git working tree'
      : p.gitDirty
        ? `<strong class="warn">dirty</strong>: the commit alone does not reproduce this pack
<details><summary>${p.gitDirtyFiles.length} file(s) changed, untracked or used without git</summary><ul>${p.gitDirtyFiles.map((f) => `<li><code>${esc(f)}</code></li>`).join('')}</ul></details>`
        : 'clean: no tracked change, no untracked file, the config file is committed';
  const v = p.versions;
  const behaviour = e.behaviour?.records ?? [];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>HIPAA infrastructure evidence: ${esc(p.environment)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem auto;max-width:78rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem;margin:.2rem 0 .5rem}h2{margin-top:2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem;font-size:1.25rem}
h3{font-size:1.05rem;margin:1.2rem 0 .2rem}
nav ol{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;list-style:none;padding:.4rem .6rem;margin:0;background:#f6f6f6;border-radius:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}code{font-size:12px}small{color:#555}
.digest,.nowrap{white-space:nowrap}.num{text-align:right}.values code,.prose{overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:12px;font-weight:600;white-space:nowrap}
.met{background:#dff3e4;color:#13502a}.met-with-accepted-finding{background:#fff3cd;color:#6b4e00}.not-met{background:#f8d7da;color:#842029}
.gap,.warn{color:#842029}
.counts td{font-size:1.1rem;text-align:center;width:25%}.counts b{display:block;font-size:1.6rem}
.binding th{width:11rem;background:#fafafa}
details>summary{cursor:pointer;color:#0b57a4;margin:.2rem 0}
@media print{a{color:inherit;text-decoration:none}section.control{break-inside:avoid}body{margin:0;max-width:none}nav{display:none}}
</style></head><body>
<h1>HIPAA infrastructure evidence: ${esc(p.environment)}</h1>
<nav id="contents" aria-label="Contents"><ol>
${CONTENTS.map(([a, t]) => `<li><a href="#${a}">${esc(t)}</a></li>`).join('\n')}
</ol></nav>
<section id="summary">
<h2>Summary</h2>
<table class="counts"><tr><td><b>${e.summary.controls}</b>controls</td><td class="met"><b>${e.summary.met}</b>met</td><td class="met-with-accepted-finding"><b>${e.summary.metWithAcceptedFinding}</b>met with accepted finding</td><td class="not-met"><b>${e.summary.notMet}</b>not met</td></tr></table>
<p>Generated ${esc(e.generatedAt)} from the synthesized CloudFormation templates of config <code>${esc(p.configName)}</code>
(regions ${esc(p.regions.primary)} and ${esc(p.regions.disasterRecovery)}${p.account ? `, account ${esc(p.account)}` : ''}). Evidence format ${esc(e.schemaVersion)}.</p>
</section>
<section id="binding">
<h2>Binding</h2>
<table class="binding">
<tr><th>git commit</th><td>${digest(p.gitCommit ?? 'unknown')}; ${dirty}</td></tr>
<tr><th>config</th><td>${p.config.file ? `<code>${esc(p.config.file)}</code>` : 'given in code (no file)'}, SHA-256 ${digest(p.config.sha256)}; its content is in evidence.json (<code>provenance.config.content</code>)</td></tr>
<tr><th>templates</th><td>${p.templates.length} templates, <a href="#provenance">each with its SHA-256</a>; all together ${digest(p.templatesDigest)} (SHA-256 of their <code>sha256sum</code> listing, sorted by file)</td></tr>
<tr><th>manifest</th><td><code>evidence/manifest.json</code> holds the SHA-256 of this page, of every other file of the pack, of every template and input. <code>npm run evidence -- verify cdk.out</code> checks them, rebuilds the evidence from the templates and compares it value by value, and renders this page again to compare it byte by byte.</td></tr>
<tr><th>tools</th><td>hipaa-stack ${esc(v.hipaaStack)}, aws-cdk-lib ${esc(v.awsCdkLib)}, cdk-nag ${esc(v.cdkNag)}, cdk-validator-cfnguard ${esc(v.cdkValidatorCfnguard)} (guard rules ${esc(v.guardRules)}), Node.js ${esc(v.node)}, CDK CLI ${esc(v.cdkCli ?? 'not used')}</td></tr>
</table>
</section>
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
<table class="overview"><thead><tr><th>control</th><th>id</th><th>45 CFR</th><th>status</th><th>resources</th></tr></thead><tbody>
${overview}
</tbody></table>
${controls}
<h2 id="accepted-findings">Accepted findings</h2>
<details><summary>${e.acceptedFindings.length} accepted finding(s), each with its reason and compensating control</summary>
<table><thead><tr><th>rule</th><th>construct</th><th>reason</th><th>compensating control</th></tr></thead><tbody>
${accepted || '<tr><td colspan="4">None.</td></tr>'}
</tbody></table></details>
<h2 id="data-inventory">Data inventory</h2>
<details><summary>${e.dataInventory.length} store(s) with key, retention, backup, replication and deletion</summary>
<table><thead><tr><th>stack</th><th>resource</th><th>type</th><th>holds</th><th>encryption key</th><th>retention</th><th>backup</th><th>replication / copies</th><th>deletion</th></tr></thead><tbody>
${inventory}
</tbody></table></details>
<h2 id="behaviour">Behavioural verification</h2>
<p>Interactions and network paths the controls rely on (docs/behavioural-verification.md). <em>proven</em> and <em>failed</em>: evaluated when this pack was built; <em>evaluated-in-ci</em>: permission checks run by the test suite, not at synth.
${['proven', 'failed', 'evaluated-in-ci', 'not-provable-offline'].map((st) => `${behaviour.filter((b) => b.status === st).length} ${st}`).join(', ')}.</p>
<details${behaviour.some((b) => b.status === 'failed') ? ' open' : ''}><summary>${behaviour.length} interaction(s) and path(s)</summary>
<table><thead><tr><th>interaction</th><th>expected</th><th>status</th><th>controls</th><th>how</th><th>detail</th></tr></thead><tbody>
${behaviour.map((b) => `<tr><td>${esc(b.title)}<br>${id(b.id)}</td><td class="prose">${esc(b.expect)}</td><td>${esc(b.status)}</td><td>${b.controls.map((x) => `<a href="#control-${esc(x)}">${esc(x)}</a>`).join(', ')}</td><td class="prose">${esc(b.how)}</td><td class="prose">${breakable(b.detail)}</td></tr>`).join('\n')}
</tbody></table></details>
<p>Not provable offline:</p>
<ul>${(e.behaviour?.notProvableOffline ?? []).map((o) => `<li>${esc(o)}</li>`).join('')}</ul>
<h2 id="out-of-scope">Out of scope</h2>
<p>This pack proves what the templates configure, nothing more. It does not prove:</p>
<ul>${e.outOfScope.map((o) => `<li>${esc(o)}</li>`).join('')}</ul>
<h2 id="provenance">Templates</h2>
<details><summary>${p.templates.length} template(s) with their SHA-256</summary>
<table><thead><tr><th>stack</th><th>region</th><th>template</th><th>SHA-256</th></tr></thead><tbody>
${templates}
</tbody></table></details>
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
    `Contents: ${CONTENTS.map(([a, t]) => `[${t}](#${a})`).join(' · ')}`,
    '',
    '<a id="summary"></a>',
    '',
    '## Summary',
    '',
    `**${e.summary.controls} controls: ${e.summary.met} met, ${e.summary.metWithAcceptedFinding} met with accepted finding, ${e.summary.notMet} not met.**`,
    '',
    '<a id="binding"></a>',
    '',
    '## Binding',
    '',
    `- git commit \`${p.gitCommit ?? 'unknown'}\`: ${p.gitDirty === null ? 'not built from a git working tree' : p.gitDirty ? `**dirty**, the commit alone does not reproduce this pack (${p.gitDirtyFiles.map((f) => `\`${f}\``).join(', ')})` : 'clean'}`,
    `- config ${p.config.file ? `\`${p.config.file}\`` : 'given in code (no file)'}, SHA-256 \`${p.config.sha256}\` (content in evidence.json, \`provenance.config.content\`)`,
    `- ${p.templates.length} templates, together \`${p.templatesDigest}\` (SHA-256 of their \`sha256sum\` listing, sorted by file)`,
    '- `evidence/manifest.json` holds the SHA-256 of this file and every other file of the pack, template and input; check with `npm run evidence -- verify cdk.out`',
    `- hipaa-stack ${p.versions.hipaaStack}, aws-cdk-lib ${p.versions.awsCdkLib}, cdk-nag ${p.versions.cdkNag}, cdk-validator-cfnguard ${p.versions.cdkValidatorCfnguard} (guard rules ${p.versions.guardRules}), Node.js ${p.versions.node}, CDK CLI ${p.versions.cdkCli ?? 'not used'}`,
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
    '<a id="provenance"></a>',
    '',
    '## Templates',
    '',
    '| stack | region | template | SHA-256 |',
    '| --- | --- | --- | --- |',
    ...p.templates.map((t) => `| ${t.stack} | ${t.region} | \`${t.file}\` | \`${t.sha256}\` |`),
    '',
  );
  // Every heading of the table of contents gets the same anchor as on the HTML page.
  const anchored = lines.flatMap((l, i) => {
    const entry = CONTENTS.find(([, t]) => l === `## ${t}`);
    return entry && lines[i - 2] !== `<a id="${entry[0]}"></a>` ? [`<a id="${entry[0]}"></a>`, '', l] : [l];
  });
  return anchored.join('\n');
}
