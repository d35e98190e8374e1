import * as fs from 'fs';
import * as path from 'path';
import { BEHAVIOUR_RESULTS_FILE } from '../lib/behaviour/results';
import { run } from '../lib/evidence/cli';
import { produceEvidence } from '../lib/evidence';
import { verifyEvidence } from '../lib/evidence/verify';
import { REFERENCE_ACCOUNT, REFERENCE_TENANTS } from './behaviour/reference';
import { AGNOSTIC_ACCOUNT, recordBehaviourResults } from './behaviour/record-results';
import { loadAssemblyModel } from '../lib/behaviour/assembly-model';
import { synthReference, testConfig } from './helpers/synth';

// Issue 12: the evidence's "evaluated in CI" permission checks are bound to the CI results by template digest.
let dir: string;
beforeAll(() => {
  const r = synthReference(testConfig({ account: REFERENCE_ACCOUNT, tenants: REFERENCE_TENANTS }), { complianceGate: false });
  produceEvidence(r.app, r.config, 'default', r.assemblyDir, r.findings, new Date('2026-11-23T12:00:00Z'));
  dir = r.assemblyDir;
});
const verifyText = () => {
  const out: string[] = [];
  const code = run(
    ['verify', dir],
    (s) => out.push(s),
    () => undefined,
  );
  return { code, text: out.join('\n') };
};

describe('behaviour results bound to the templates', () => {
  test('absent: verify says so and passes', () => {
    expect(verifyEvidence(dir)).toMatchObject({ ok: true, behaviourResults: { state: 'absent' } });
    const v = verifyText();
    expect(v.code).toBe(0);
    expect(v.text).toMatch(/Behaviour results: no behaviour-results\.json: permission interactions are not bound to CI results/);
  });

  test('recorded: every interaction with verdict and method, the SHA-256 of every template; verify reports them bound', async () => {
    const r = await recordBehaviourResults(dir, new Date('2026-11-23T12:05:00Z'));
    const written = JSON.parse(fs.readFileSync(path.join(dir, BEHAVIOUR_RESULTS_FILE), 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(r)));
    expect(written.format).toBe('hipaa-stack/behaviour-results@1');
    expect(written.evaluator).toMatch(/^@cloud-copilot\/iam-simulate \d+\.\d+\.\d+/);
    const evidence = JSON.parse(fs.readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8'));
    expect(written.templates).toEqual(
      evidence.provenance.templates.map((t: { file: string; sha256: string }) => ({ file: t.file, sha256: t.sha256 })),
    );
    expect(written.interactions.length).toBeGreaterThan(50);
    expect(written.interactions.find((i: { id: string }) => i.id === 'writer-cannot-shorten-audit-retention')).toMatchObject({
      expect: 'deny',
      verdict: 'denied',
      pass: true,
      method: 'policy',
    });
    // The reference deployment passes every interaction.
    expect(written.interactions.filter((i: { pass: boolean }) => !i.pass).map((i: { message: string }) => i.message)).toEqual([]);
    expect(verifyEvidence(dir)).toMatchObject({ ok: true, behaviourResults: { state: 'bound' } });
    expect(verifyText().text).toMatch(/Behaviour results: behaviour-results\.json: \d+ interactions evaluated .* bound to these templates/);
  });

  test('results for other templates are an error naming the template', () => {
    const file = path.join(dir, BEHAVIOUR_RESULTS_FILE);
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    written.templates[0].sha256 = '0'.repeat(64);
    fs.writeFileSync(file, JSON.stringify(written));
    const r = verifyEvidence(dir);
    expect(r.ok).toBe(false);
    expect(r.behaviourResults.state).toBe('mismatch');
    expect(r.problems).toEqual([
      `behaviour results: ${written.templates[0].file} was evaluated at SHA-256 ${'0'.repeat(64)}, the evidence describes ${
        JSON.parse(fs.readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8')).provenance.templates.find(
          (t: { file: string }) => t.file === written.templates[0].file,
        ).sha256
      }`,
    ]);
    expect(verifyText().code).toBe(1);
    fs.writeFileSync(file, JSON.stringify({ format: 'something-else' }));
    expect(() => verifyEvidence(dir)).toThrow(/is not a hipaa-stack\/behaviour-results@1 file/);
  });
});

describe('behaviour results of an assembly synthesized without an account (the default config, as CI synthesizes it)', () => {
  test('one placeholder account stands for the stage account: every interaction evaluates, and as expected', async () => {
    const r = synthReference(testConfig(), { complianceGate: false });
    expect(r.config.account).toBeUndefined();
    // Without the placeholder, same-account references stay unresolved, never assumed allowed.
    const model = loadAssemblyModel(r.assemblyDir);
    expect(model.stacks.every((s) => s.account === undefined)).toBe(true);
    const written = await recordBehaviourResults(r.assemblyDir);
    expect(written.agnosticAccount).toBe(AGNOSTIC_ACCOUNT);
    expect(written.interactions.length).toBeGreaterThan(50);
    expect(written.interactions.filter((i) => !i.pass).map((i) => i.message)).toEqual([]);
    expect(written.interactions.filter((i) => /unresolved/.test(i.verdict))).toEqual([]);
  });
});
