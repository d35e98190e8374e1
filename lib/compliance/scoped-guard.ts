import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { GuardRuleFile, guardRuleFiles } from './guard-rules';
import { GuardRunsInProgress, splitByCost, startGuardRuns } from './guard-workers';

/** One cfn-guard run: these rule files against these data files. */
export interface GuardJob {
  readonly rules: string[];
  readonly data: string[];
  /** Per data file, rule files × its bytes: what it costs (cfn-guard evaluates every rule against every data file). */
  readonly costs: number[];
  /** The sum of `costs`. */
  readonly cost: number;
}

interface Template {
  readonly path: string;
  readonly body: { Resources?: Record<string, { Type: string }> } & Record<string, unknown>;
  readonly bytes: number;
}

/**
 * Below this size a template is checked whole by one run with every rule that applies to it; above it, each
 * rule sees only the resources of the types it names (see {@link planGuardJobs}). Splitting costs a process
 * and a file per distinct type set, which only pays when the template is large.
 */
export const SPLIT_ABOVE_BYTES = 64 * 1024;

/**
 * Plan the cfn-guard runs for a set of templates. cfn-guard's cost is rules × template size, and a Control
 * Tower rule selects resources by the types it names (`Resources.*[ Type == "AWS::S3::Bucket" ]`, and
 * references to other resources through types it also names). So:
 * - a rule whose types are all absent from a template cannot report anything there and is not run on it;
 * - on a large template, a rule runs on a copy holding only the resources of the types it names (every other
 *   part of the template kept) and, for a rule that follows references, every resource those refer to,
 *   directly or not: this cannot change its verdict and cuts the data it walks. A rule that names no type sees
 *   the whole template.
 * Runs with the same rule set are merged, so identical tenant stacks are checked by one run.
 * `writeData(template, types, followReferences)` writes the filtered copy and returns its path.
 */
export function planGuardJobs(
  templates: Template[],
  rules: GuardRuleFile[],
  writeData: (template: Template, types: string[], followReferences: boolean) => { path: string; bytes: number },
  splitAboveBytes: number = SPLIT_ABOVE_BYTES,
): GuardJob[] {
  const byRules = new Map<string, { rules: string[]; data: string[]; costs: number[]; cost: number }>();
  const add = (names: string[], data: string, bytes: number) => {
    if (names.length === 0) return;
    const key = names.join(',');
    const j = byRules.get(key) ?? { rules: names, data: [], costs: [], cost: 0 };
    j.data.push(data);
    j.costs.push(names.length * bytes);
    j.cost += names.length * bytes;
    byRules.set(key, j);
  };
  for (const t of templates) {
    const present = new Set(Object.values(t.body.Resources ?? {}).map((r) => r.Type));
    const applicable = rules.filter((r) => r.types.length === 0 || r.types.some((x) => present.has(x)));
    if (t.bytes <= splitAboveBytes) {
      add(
        applicable.map((r) => r.name),
        t.path,
        t.bytes,
      );
      continue;
    }
    // Group the rules by the resource types they would see here; one filtered copy per group.
    const groups = new Map<string, { types: string[]; follow: boolean; names: string[] }>();
    for (const r of applicable) {
      const seen = r.types.length === 0 ? ['*'] : r.types.filter((x) => present.has(x)).sort();
      const follow = r.followsReferences;
      const key = `${seen.join(',')}${follow ? '+refs' : ''}`;
      const g = groups.get(key) ?? { types: seen, follow, names: [] };
      g.names.push(r.name);
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      if (g.types[0] === '*') add(g.names, t.path, t.bytes);
      else {
        const copy = writeData(t, g.types, g.follow);
        add(g.names, copy.path, copy.bytes);
      }
    }
  }
  return [...byRules.values()];
}

/**
 * Pieces per core the runs are cut into: more evens out the end (run costs are estimates), fewer saves
 * processes (each cfn-guard run reads its rule files again, about 20 ms).
 */
const PIECES_PER_CORE = 8;

/**
 * Templates (all together) from which starting the runs early pays: measured with `bench/`, starting early
 * gained 0.1 to 0.5 s at 200 tenants (2.6 MB) and 2 s at 1,000 (12 MB), and lost about 0.2 s on the default
 * deployment (0.2 MB).
 */
export const START_EARLY_ABOVE_BYTES = 1024 * 1024;

export interface ScopedControlTowerValidatorProps {
  /** Rule file names (e.g. `ct-s3-pr-1`) not to run. */
  readonly disabledRules: string[];
  /** Largest cfn-guard output read, in bytes. */
  readonly maxBuffer?: number;
  /** cfn-guard runs at once. @default - the machine's available parallelism */
  readonly concurrency?: number;
  /** Templates larger than this are split by resource type for the rules. @default SPLIT_ABOVE_BYTES */
  readonly splitAboveBytes?: number;
  /** `start` starts runs early only when the templates hold at least this many bytes. @default START_EARLY_ABOVE_BYTES */
  readonly startEarlyAboveBytes?: number;
}

/**
 * The Control Tower proactive controls through `@cdklabs/cdk-validator-cfnguard`, with the same verdicts as
 * running every rule on every template, at a fraction of the cost (see {@link planGuardJobs}): each run
 * is the validator's own (its rule files, its binary, its result parsing), and the runs are spread over the
 * machine's cores. The selection is made at validation time from the synthesized templates, so a new service
 * brings its rules in by itself. Reports under the validator's own name, so acknowledgements keep working,
 * and every violation names the template CDK gave (never a filtered copy).
 */
export class ScopedControlTowerValidator implements IPolicyValidationPlugin {
  public readonly name = 'cdk-validator-cfnguard';
  public readonly version?: string;
  public readonly ruleIds?: string[];

  constructor(private readonly props: ScopedControlTowerValidatorProps) {
    const full = new CfnGuardValidator({ disabledRules: props.disabledRules });
    this.version = full.version;
    this.ruleIds = full.ruleIds;
  }

  /**
   * Start checking these templates in worker threads and return at once (for {@link GuardFirstCloudFormationValidate},
   * so the runs overlap CDK's own CloudFormation validation); `validate` with the same templates then joins them.
   * Below `startEarlyAboveBytes` of templates (measured: on a few small templates the worker's start costs more
   * than the overlap gains), or with a concurrency of 1, it starts nothing and returns false.
   */
  public start(context: Pick<IPolicyValidationContext, 'templatePaths'>): boolean {
    this.pending?.discard();
    this.pending = undefined;
    const bytes = context.templatePaths.reduce((sum, p) => sum + fs.statSync(p).size, 0);
    const concurrency = this.concurrency();
    if (concurrency < 2 || bytes < (this.props.startEarlyAboveBytes ?? START_EARLY_ABOVE_BYTES)) return false;
    // One core stays with this thread (CDK's validation, then the packs); it joins the runs when the guard's turn comes.
    this.pending = this.begin(context.templatePaths, concurrency - 1);
    return true;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const started = this.pending;
    this.pending = undefined;
    const key = context.templatePaths.join('\n');
    if (started && started.key !== key) started.discard();
    return (started?.key === key ? started : this.begin(context.templatePaths, this.concurrency() - 1)).finish();
  }

  private pending?: PendingGuardRuns;

  /** cfn-guard runs at once: the prop, or the machine's available parallelism. */
  private concurrency(): number {
    return Math.max(1, this.props.concurrency ?? os.availableParallelism());
  }

  /** Plan the runs for these templates (filtered copies in a temporary directory) and start them in `workers` threads. */
  private begin(templatePaths: string[], workers: number): PendingGuardRuns {
    const all = guardRuleFiles();
    const enabled = all.filter((r) => !this.props.disabledRules.includes(r.name));
    const templates: Template[] = templatePaths.map((p) => {
      const text = fs.readFileSync(p, 'utf8');
      return { path: p, body: JSON.parse(text) as Template['body'], bytes: Buffer.byteLength(text) };
    });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-guard-'));
    const cleanUp = () => fs.rmSync(tmp, { recursive: true, force: true });
    // Runs started but never joined (synth failed in between) leave nothing behind.
    process.once('exit', cleanUp);
    const done = () => {
      process.removeListener('exit', cleanUp);
      cleanUp();
    };
    const original = new Map<string, string>();
    let runs: GuardRunsInProgress;
    try {
      let n = 0;
      const jobs = planGuardJobs(
        templates,
        enabled,
        (t, types, follow) => {
          const resources = selectResources(t.body.Resources ?? {}, new Set(types), follow);
          const text = JSON.stringify({ ...t.body, Resources: resources });
          const file = path.join(tmp, `${n++}-${path.basename(t.path)}`);
          fs.writeFileSync(file, text);
          original.set(file, t.path);
          return { path: file, bytes: Buffer.byteLength(text) };
        },
        this.props.splitAboveBytes,
      );
      const names = new Set(all.map((r) => r.name));
      // Over several threads, large jobs are cut into pieces (a few per thread), so the last ones finish together.
      const threads = workers + 1;
      const total = jobs.reduce((sum, j) => sum + j.cost, 0);
      const pieces = threads > 1 ? splitByCost(jobs, total / (threads * PIECES_PER_CORE)) : jobs;
      runs = startGuardRuns(
        pieces.map((j) => ({
          disabledRules: [...names].filter((x) => !j.rules.includes(x)),
          templatePaths: j.data,
          cost: j.cost,
        })),
        { maxBuffer: this.props.maxBuffer, workers },
      );
    } catch (e) {
      done();
      throw e;
    }
    return {
      key: templatePaths.join('\n'),
      discard: () => {
        try {
          runs.cancel();
        } finally {
          done();
        }
      },
      finish: () => {
        try {
          const violations: PolicyValidationPluginReport['violations'][number][] = [];
          let success = true;
          for (const r of runs.finish()) {
            success &&= r.success;
            for (const v of r.violations) {
              violations.push({
                ...v,
                violatingResources: v.violatingResources.map((res) => ({
                  ...res,
                  templatePath: (res.templatePath && original.get(res.templatePath)) ?? res.templatePath,
                })),
              });
            }
          }
          // Each rule runs once per template (whole or one filtered copy), so no violation is split or doubled.
          return { success, violations };
        } finally {
          done();
        }
      },
    };
  }
}

interface PendingGuardRuns {
  /** The template paths the runs check. */
  readonly key: string;
  /** Join the runs and return the validator's report (violations named by the templates CDK gave). */
  finish(): PolicyValidationPluginReport;
  /** Take no further run, wait for those under way, and drop their results. */
  discard(): void;
}

type Resources = Record<string, { Type: string }>;

/** The resources of the given types and, with `follow`, every resource they refer to, directly or not. */
export function selectResources(resources: Resources, types: Set<string>, follow: boolean): Resources {
  const keep = new Set(Object.keys(resources).filter((id) => types.has(resources[id].Type)));
  if (follow) {
    const queue = [...keep];
    while (queue.length) {
      for (const id of referencesOf(resources[queue.pop()!])) {
        if (resources[id] && !keep.has(id)) {
          keep.add(id);
          queue.push(id);
        }
      }
    }
  }
  return Object.fromEntries(Object.entries(resources).filter(([id]) => keep.has(id)));
}

/** Logical ids a template fragment names through `Ref`, `Fn::GetAtt` or `${...}` in `Fn::Sub`. */
export function referencesOf(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencesOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt') out.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);
      else if (k === 'Fn::Sub') {
        const text: unknown = Array.isArray(v) ? v[0] : v;
        if (typeof text === 'string') for (const m of text.matchAll(/\$\{([^}!.]+)[^}]*\}/g)) out.add(m[1]);
      }
      referencesOf(v, out);
    }
  }
  return out;
}
