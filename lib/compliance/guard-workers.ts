import * as os from 'os';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';

/** One run of the Control Tower validator: its rules minus `disabledRules`, over `templatePaths`. */
export interface GuardRun {
  readonly disabledRules: string[];
  readonly templatePaths: string[];
  /** Relative cost, to share the runs out evenly. */
  readonly cost: number;
}

/**
 * A worker runs its share of the runs with the validator itself and hands the reports back through a
 * message port, then raises its flag. It catches everything, so the flag is always raised.
 */
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { port, flag, modulePath, runs, maxBuffer } = workerData;
let message;
try {
  const { CfnGuardValidator } = require(modulePath);
  message = { reports: runs.map((r) => new CfnGuardValidator({ disabledRules: r.disabledRules, maxBuffer }).validate({ templatePaths: r.templatePaths })) };
} catch (e) {
  message = { error: String((e && e.stack) || e) };
}
port.postMessage(message);
port.close();
const f = new Int32Array(flag);
Atomics.store(f, 0, 1);
Atomics.notify(f, 0);
`;

/** How long one worker's share may take before the gate gives up (cfn-guard hung or the machine stalled). */
const WORKER_TIMEOUT_MS = 15 * 60 * 1000;

function runInline(runs: GuardRun[], maxBuffer?: number): PolicyValidationPluginReport[] {
  return runs.map(
    (r) =>
      new CfnGuardValidator({ disabledRules: r.disabledRules, maxBuffer }).validate({
        templatePaths: r.templatePaths,
      } as never) as unknown as PolicyValidationPluginReport,
  );
}

/** Share runs out over `bins` by cost, largest first, each to the least loaded bin. */
export function shareOut(costs: number[], bins: number): number[][] {
  const out = Array.from({ length: bins }, () => ({ load: 0, items: [] as number[] }));
  for (const i of costs.map((_, k) => k).sort((a, b) => costs[b] - costs[a])) {
    const bin = out.reduce((min, b) => (b.load < min.load ? b : min));
    bin.items.push(i);
    bin.load += costs[i];
  }
  return out.map((b) => b.items).filter((items) => items.length > 0);
}

/**
 * Run the validator's runs over the machine's cores and wait for all of them, synchronously (CDK calls
 * validation plugins synchronously): this thread runs one share, worker threads the others. Reports come
 * back in the order of `runs`. Each run is the validator's own `validate`, so its binary, rule files and result
 * parsing are unchanged.
 */
export function runGuardJobsInParallel(
  runs: GuardRun[],
  options: { maxBuffer?: number; concurrency?: number } = {},
): PolicyValidationPluginReport[] {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? os.availableParallelism(), runs.length));
  if (concurrency === 1) return runInline(runs, options.maxBuffer);
  const [mine, ...theirs] = shareOut(
    runs.map((r) => r.cost),
    concurrency,
  );
  const modulePath = require.resolve('@cdklabs/cdk-validator-cfnguard');
  const workers = theirs.map((indices) => {
    const { port1, port2 } = new MessageChannel();
    const flag = new SharedArrayBuffer(4);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, flag, modulePath, runs: indices.map((i) => runs[i]), maxBuffer: options.maxBuffer },
      transferList: [port2],
    });
    worker.unref();
    return { indices, port: port1, flag: new Int32Array(flag) };
  });
  const out = new Array<PolicyValidationPluginReport>(runs.length);
  // Wait for every worker even when a run fails here, so none is left reading files the caller removes.
  let failure: Error | undefined;
  try {
    runInline(
      mine.map((i) => runs[i]),
      options.maxBuffer,
    ).forEach((r, k) => (out[mine[k]] = r));
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
  }
  for (const w of workers) {
    if (Atomics.load(w.flag, 0) === 0 && Atomics.wait(w.flag, 0, 0, WORKER_TIMEOUT_MS) === 'timed-out') {
      failure ??= new Error(`Control Tower validation: a cfn-guard worker gave no result within ${WORKER_TIMEOUT_MS / 60000} minutes`);
      continue;
    }
    const message = receiveMessageOnPort(w.port)?.message as { reports?: PolicyValidationPluginReport[]; error?: string } | undefined;
    w.port.close();
    if (message?.reports) message.reports.forEach((r, k) => (out[w.indices[k]] = r));
    else failure ??= new Error(`Control Tower validation failed in a cfn-guard worker: ${message?.error ?? 'no result'}`);
  }
  if (failure) throw failure;
  return out;
}
