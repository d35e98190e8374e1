/**
 * Record the permission evaluation of a synthesized cloud assembly, bound to its templates:
 *
 *   npx tsx test/behaviour/record-results.ts cdk.out
 *
 * Evaluates every interaction of the catalogue with the test-only evaluator (the one test/behaviour.test.ts
 * uses; @cloud-copilot/iam-simulate is AGPL-3.0, a devDependency, never shipped) and writes
 * `<cdk.out>/behaviour-results.json` (format hipaa-stack/behaviour-results@1): the SHA-256 of every template it
 * read, and each interaction with its verdict and method. `npm run evidence -- verify` then reports whether the
 * results are present and computed from the same templates. Exit 0 when written (the verdicts are in the file
 * and summarized on stdout) when every interaction is as the catalogue expects, 1 when one is not (named on
 * stdout: the gate refuses a design that does not work), 2 on bad arguments or an unreadable assembly.
 *
 * Templates synthesized without an account (the default config) are evaluated with one placeholder account for
 * every stack ({@link AGNOSTIC_ACCOUNT}): the stacks of one stage deploy into one account, so same-account
 * comparisons (aws:SourceAccount, key policies of the account root, ARNs) hold as they will after deploy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAssemblyModel } from '../../lib/behaviour/assembly-model';
import { interactionCatalogue } from '../../lib/behaviour/catalogue';
import { BEHAVIOUR_RESULTS_FILE, BEHAVIOUR_RESULTS_FORMAT, BehaviourResults } from '../../lib/behaviour/results';
import { readStackTemplates } from '../../lib/evidence/assembly';
import { evaluateInteraction } from './evaluate';

/** The installed version of a package (its "exports" may not list package.json). */
function packageVersion(name: string): string {
  for (let dir = path.dirname(require.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    }
  }
  return 'unknown';
}

/** Stands for the deployment's one account in templates synthesized without an account (reserved-looking, never real). */
export const AGNOSTIC_ACCOUNT = '111111111111';

/** Evaluate and write the results file; returns what was written. */
export async function recordBehaviourResults(assemblyDir: string, now = new Date()): Promise<BehaviourResults> {
  if (!fs.existsSync(path.join(assemblyDir, 'manifest.json')))
    throw new Error(`${assemblyDir} is not a cloud assembly (no manifest.json); run npm run synth first`);
  const templates = readStackTemplates(assemblyDir).map((t) => ({ file: t.file, sha256: t.sha256 }));
  const model = loadAssemblyModel(assemblyDir, { agnosticAccount: AGNOSTIC_ACCOUNT });
  const agnostic = model.stacks.some((st) => st.account === AGNOSTIC_ACCOUNT);
  const interactions = [];
  for (const i of interactionCatalogue(model)) {
    const v = await evaluateInteraction(model, i);
    interactions.push({ id: i.id, expect: i.expect, verdict: v.outcome, pass: v.pass, method: i.method, message: v.message });
  }
  const evaluatorVersion = packageVersion('@cloud-copilot/iam-simulate');
  const results: BehaviourResults = {
    format: BEHAVIOUR_RESULTS_FORMAT,
    generatedAt: now.toISOString(),
    evaluator: `@cloud-copilot/iam-simulate ${evaluatorVersion} (test/behaviour/evaluate.ts)`,
    ...(agnostic ? { agnosticAccount: AGNOSTIC_ACCOUNT } : {}),
    templates,
    interactions,
  };
  fs.writeFileSync(path.join(assemblyDir, BEHAVIOUR_RESULTS_FILE), JSON.stringify(results, undefined, 1) + '\n');
  return results;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    process.stderr.write(`usage: npx tsx test/behaviour/record-results.ts <cdk.out>; got: ${argv.join(' ') || '(nothing)'}\n`);
    return 2;
  }
  try {
    const r = await recordBehaviourResults(argv[0]);
    const failed = r.interactions.filter((i) => !i.pass);
    process.stdout.write(
      `wrote ${path.join(argv[0], BEHAVIOUR_RESULTS_FILE)}: ${r.interactions.length} interactions over ${r.templates.length} templates, ${failed.length} not as expected\n` +
        failed.map((i) => `  ${i.message}\n`).join(''),
    );
    return failed.length ? 1 : 0;
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
