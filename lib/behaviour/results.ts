import * as fs from 'fs';
import * as path from 'path';

/**
 * The results of the permission evaluation the test suite runs (test/behaviour/record-results.ts writes them
 * after `npm run synth`), bound to the templates they were computed from by SHA-256. The evaluator itself
 * (@cloud-copilot/iam-simulate, AGPL-3.0) stays test-only: this module only reads and checks the file.
 */
export const BEHAVIOUR_RESULTS_FORMAT = 'hipaa-stack/behaviour-results@1';
export const BEHAVIOUR_RESULTS_FILE = 'behaviour-results.json';

export interface BehaviourResultEntry {
  readonly id: string;
  readonly expect: 'allow' | 'deny';
  /** What the evaluation found: allowed, denied, unresolved (a token it could not resolve), missing, error. */
  readonly verdict: string;
  readonly pass: boolean;
  readonly method: string;
  readonly message: string;
}

export interface BehaviourResults {
  readonly format: typeof BEHAVIOUR_RESULTS_FORMAT;
  readonly generatedAt: string;
  readonly evaluator: string;
  /**
   * The account id that stood for `AWS::AccountId` in templates synthesized without an account (one stage deploys
   * into one account); absent when every stack named its account.
   */
  readonly agnosticAccount?: string;
  /** Every template the evaluation read, relative to the assembly, with its SHA-256. */
  readonly templates: Array<{ readonly file: string; readonly sha256: string }>;
  readonly interactions: BehaviourResultEntry[];
}

/** The results file of an assembly, or undefined when there is none. Throws on a file that is not this format. */
export function readBehaviourResults(assemblyDir: string): BehaviourResults | undefined {
  const file = path.join(assemblyDir, BEHAVIOUR_RESULTS_FILE);
  if (!fs.existsSync(file)) return undefined;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<BehaviourResults>;
  if (raw.format !== BEHAVIOUR_RESULTS_FORMAT || !Array.isArray(raw.templates) || !Array.isArray(raw.interactions))
    throw new Error(`${file} is not a ${BEHAVIOUR_RESULTS_FORMAT} file (format ${JSON.stringify(raw.format)})`);
  return raw as BehaviourResults;
}

export interface BehaviourBinding {
  /** absent: no results file; bound: results for exactly these templates; mismatch: results for other templates. */
  readonly state: 'absent' | 'bound' | 'mismatch';
  readonly summary: string;
  readonly problems: string[];
}

/** Whether the recorded results were computed from exactly the templates the evidence describes. */
export function bindBehaviourResults(assemblyDir: string, templates: ReadonlyArray<{ file: string; sha256: string }>): BehaviourBinding {
  const r = readBehaviourResults(assemblyDir);
  if (!r)
    return {
      state: 'absent',
      summary: `no ${BEHAVIOUR_RESULTS_FILE}: permission interactions are not bound to CI results (run test/behaviour/record-results.ts after the synth)`,
      problems: [],
    };
  const recorded = new Map(r.templates.map((t) => [t.file, t.sha256]));
  const problems: string[] = [];
  for (const t of templates) {
    const sha = recorded.get(t.file);
    if (sha === undefined) problems.push(`behaviour results: ${t.file} was not evaluated`);
    else if (sha !== t.sha256)
      problems.push(`behaviour results: ${t.file} was evaluated at SHA-256 ${sha}, the evidence describes ${t.sha256}`);
  }
  const known = new Set(templates.map((t) => t.file));
  for (const file of recorded.keys())
    if (!known.has(file)) problems.push(`behaviour results: ${file} was evaluated but is not in the evidence`);
  const failed = r.interactions.filter((i) => !i.pass).length;
  return {
    state: problems.length ? 'mismatch' : 'bound',
    summary: `${BEHAVIOUR_RESULTS_FILE}: ${r.interactions.length} interactions evaluated ${r.generatedAt} (${r.interactions.length - failed} as expected, ${failed} not)${problems.length ? ', NOT for these templates' : ', bound to these templates'}`,
    problems,
  };
}
