import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { JUNIT_FILE, SARIF_FILE } from '../lib/reports';

const ROOT = path.join(__dirname, '..');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  id?: string;
  'continue-on-error'?: boolean;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { permissions: Record<string, string>; steps: Step[] }>;
}

describe('examples/github-workflow.yml', () => {
  const wf = yaml.safeLoad(fs.readFileSync(path.join(ROOT, 'examples', 'github-workflow.yml'), 'utf8')) as Workflow;
  const steps = wf.jobs.gate.steps;
  const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  test('is well-formed: triggers, job, steps', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request', 'push']);
    expect(steps.length).toBeGreaterThan(5);
    for (const s of steps) expect(Boolean(s.uses) !== Boolean(s.run)).toBe(true);
  });

  test('installs, tests, synthesizes, uploads SARIF, keeps the evidence, diffs against the base branch', () => {
    const runs = steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/^npm ci$/m);
    expect(runs).toMatch(/^npm test$/m);
    expect(runs).toMatch(/^npm run synth$/m);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with!.sarif_file).toBe(`cdk.out/${SARIF_FILE}`);
    expect(upload.if).toMatch(/always\(\)/);
    expect(wf.jobs.gate.permissions['security-events']).toBe('write');
    const artifact = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(String(artifact.with!.path)).toContain('cdk.out/evidence/');
    expect(String(artifact.with!.path)).toContain(`cdk.out/${JUNIT_FILE}`);
    const diff = steps.find((s) => s.run?.includes('evidence -- diff'))!;
    expect(diff.if).toBe("github.event_name == 'pull_request'");
    expect(diff.run).toContain('origin/${{ github.base_ref }}');
    // The gate's failure is not swallowed: synth may continue for the uploads, a last step fails the job.
    expect(steps.find((s) => s.id === 'synth')!['continue-on-error']).toBe(true);
    expect(steps[steps.length - 1].if).toBe("steps.synth.outcome == 'failure'");
  });

  test('every npm script it runs exists in package.json', () => {
    const used = steps.flatMap((s) => [...(s.run ?? '').matchAll(/npm run (\S+)/g)].map((m) => m[1]));
    expect(used.length).toBeGreaterThan(2);
    for (const u of used) expect(Object.keys(scripts)).toContain(u);
  });
});
