import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import type { ESLint } from 'eslint';

/**
 * The import direction between layers (docs/architecture.md) is an ESLint rule (eslint-plugin-boundaries, wired
 * in eslint.config.mjs), so `npm run lint` fails on a wrong import. These tests lint deliberately wrong files,
 * written for the test inside the layer they break, and expect the rule to name both layers.
 */
const ROOT = path.join(__dirname, '..');

/**
 * Run the project's ESLint config (eslint.config.mjs) on files, in a child process (jest cannot load an ES module
 * config), reporting only the layering rules and without type information (the layering rules need none), so
 * that linting the whole code base takes seconds.
 */
function layeringLint(files: string[]): ESLint.LintResult[] {
  const script = `
    const { ESLint } = require('eslint');
    new ESLint({
      cwd: process.cwd(),
      ruleFilter: ({ ruleId }) => ruleId.startsWith('boundaries/'),
      overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
    })
      .lintFiles(process.argv.slice(1))
      .then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(3); });`;
  const out = execFileSync(process.execPath, ['-e', script, ...files], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out) as ESLint.LintResult[];
}

/** Lint one probe file written at `rel` (removed afterwards). */
function lintProbe(rel: string, source: string): ESLint.LintResult {
  const file = path.join(ROOT, rel);
  fs.writeFileSync(file, source);
  try {
    return layeringLint([file])[0];
  } finally {
    fs.rmSync(file, { force: true });
  }
}

const messages = (r: ESLint.LintResult) => r.messages.map((m) => `${m.ruleId}: ${m.message}`);

jest.setTimeout(120_000);

describe('layering (eslint-plugin-boundaries)', () => {
  test('a construct importing the runtime, the config and the compliance gate fails, naming both layers', () => {
    const r = lintProbe(
      'constructs/zz-layers-probe.ts',
      [
        "import { TENANT_TAG } from '../lib/runtime/offboard-tenant';",
        "import { auditLogRetentionDays } from '../lib/config/schema';",
        "import { STRICT_PACK_NAME } from '../lib/compliance/strict-pack';",
        "import { TLS } from '../lib/baseline/thresholds';",
        'export const probe = [TENANT_TAG, auditLogRetentionDays, STRICT_PACK_NAME, TLS];',
        '',
      ].join('\n'),
    );
    expect(messages(r)).toEqual([
      expect.stringMatching(
        /^boundaries\/dependencies: layer "constructs" may not import layer "runtime" \(\.\.\/lib\/runtime\/offboard-tenant\)/,
      ),
      expect.stringMatching(/layer "constructs" may not import layer "config" \(\.\.\/lib\/config\/schema\)/),
      expect.stringMatching(/layer "constructs" may not import layer "compliance" \(\.\.\/lib\/compliance\/strict-pack\)/),
    ]);
    expect(r.errorCount).toBe(3); // the baseline import is allowed
  });

  test('the compliance gate importing the evidence, and the runtime importing a stack, fail', () => {
    const gate = lintProbe(
      'lib/compliance/zz-layers-probe.ts',
      "import { CONTROLS } from '../evidence/controls';\nexport const probe = CONTROLS;\n",
    );
    expect(messages(gate)).toEqual([expect.stringMatching(/layer "compliance" may not import layer "evidence"/)]);
    const runtime = lintProbe(
      'lib/runtime/zz-layers-probe.ts',
      "import { AuditStack } from '../stacks/audit-stack';\nimport { STACK_OUTPUTS } from '../baseline/contract';\nexport const probe = [AuditStack, STACK_OUTPUTS];\n",
    );
    expect(messages(runtime)).toEqual([expect.stringMatching(/layer "runtime" may not import layer "stacks"/)]);
  });

  test('the baseline imports no other layer', () => {
    const r = lintProbe(
      'lib/baseline/zz-layers-probe.ts',
      "import { DeploymentConfig } from '../config/schema';\nexport type Probe = DeploymentConfig;\n",
    );
    expect(messages(r)).toEqual([expect.stringMatching(/layer "baseline" may not import layer "config"/)]);
  });

  test('the code base as it is passes the layering rules', () => {
    const results = layeringLint(['constructs', 'lib', 'bin']);
    const problems = results.flatMap((r) => r.messages.map((m) => `${path.relative(ROOT, r.filePath)}:${m.line} ${m.message}`));
    expect(problems).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
  });
});
