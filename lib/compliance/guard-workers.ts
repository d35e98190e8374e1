import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';

/** One run of the Control Tower validator: its rules minus `disabledRules`, over `templatePaths`. */
export interface GuardRun {
  readonly disabledRules: string[];
  readonly templatePaths: string[];
  /** Relative cost: the costliest runs are taken first. */
  readonly cost: number;
}

/**
 * A worker takes runs from the shared queue (an index bumped atomically, so each run is taken once, by this
 * thread or another) until none is left, runs each with the validator itself, hands the reports back through a
 * message port, then raises its flag. It catches everything and raises the flag in any case.
 */
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { port, flag, next, modulePath, runs, order, maxBuffer } = workerData;
const queue = new Int32Array(next);
try {
  let message;
  try {
    const { CfnGuardValidator } = require(modulePath);
    const results = [];
    for (let k = Atomics.add(queue, 0, 1); k < order.length; k = Atomics.add(queue, 0, 1)) {
      const r = runs[order[k]];
      results.push([order[k], new CfnGuardValidator({ disabledRules: r.disabledRules, maxBuffer }).validate({ templatePaths: r.templatePaths })]);
    }
    message = { results };
  } catch (e) {
    Atomics.store(queue, 0, order.length);
    message = { error: String((e && e.stack) || e) };
  }
  port.postMessage(message);
  port.close();
} finally {
  const f = new Int32Array(flag);
  Atomics.store(f, 0, 1);
  Atomics.notify(f, 0);
}
`;

/** How long all the workers together may take after this thread's last run before the gate gives up (cfn-guard hung or the machine stalled). */
const WORKER_TIMEOUT_MS = 15 * 60 * 1000;

function runOne(r: GuardRun, maxBuffer?: number): PolicyValidationPluginReport {
  return new CfnGuardValidator({ disabledRules: r.disabledRules, maxBuffer }).validate({
    templatePaths: r.templatePaths,
  } as never);
}

/**
 * Split each job's data files into consecutive chunks of about `maxCost` (never splitting a file), so that the
 * costliest job does not leave the other cores idle at the end. `costs` are the files' costs, in order.
 */
export function splitByCost<T extends { readonly data: string[]; readonly costs: number[] }>(
  jobs: T[],
  maxCost: number,
): Array<T & { cost: number }> {
  const out: Array<T & { cost: number }> = [];
  for (const job of jobs) {
    const total = job.costs.reduce((a, b) => a + b, 0);
    const k = Math.max(1, Math.min(job.data.length, Math.ceil(total / maxCost)));
    const chunks = Array.from({ length: k }, () => ({ data: [] as string[], costs: [] as number[] }));
    let before = 0;
    job.data.forEach((file, i) => {
      // The chunk holding the middle of this file's share of the job's cost.
      const c = chunks[Math.min(k - 1, Math.floor(((before + job.costs[i] / 2) * k) / total))];
      c.data.push(file);
      c.costs.push(job.costs[i]);
      before += job.costs[i];
    });
    for (const c of chunks) {
      if (c.data.length > 0) out.push({ ...job, ...c, cost: c.costs.reduce((a, b) => a + b, 0) });
    }
  }
  return out;
}

/** Runs under way in worker threads; {@link GuardRunsInProgress.finish} joins them and returns the reports. */
export interface GuardRunsInProgress {
  /**
   * Take runs from the queue on this thread too until it is empty, wait for the workers, and return one report
   * per run in the order of the runs (throws when a run failed, after every worker has stopped).
   */
  finish(): PolicyValidationPluginReport[];
  /** Take no further run, wait for the runs under way, and drop every result. */
  cancel(): void;
}

/**
 * Start the runs in `workers` worker threads, costliest first, and return at once; this thread joins the
 * queue when it calls `finish()`. With no worker, every run happens in `finish()`.
 */
export function startGuardRuns(runs: GuardRun[], options: { maxBuffer?: number; workers: number }): GuardRunsInProgress {
  const order = runs.map((_, i) => i).sort((a, b) => runs[b].cost - runs[a].cost);
  const next = new SharedArrayBuffer(4);
  const queue = new Int32Array(next);
  const modulePath = require.resolve('@cdklabs/cdk-validator-cfnguard');
  const workers: Array<{ port: MessagePort; flag: Int32Array }> = [];
  try {
    for (let k = 0; k < Math.min(options.workers, runs.length); k++) {
      const { port1, port2 } = new MessageChannel();
      const flag = new SharedArrayBuffer(4);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { port: port2, flag, next, modulePath, runs, order, maxBuffer: options.maxBuffer },
        transferList: [port2],
      });
      // A worker that dies reports through its flag (raised in any case) and its missing message, not by an event.
      worker.on('error', () => undefined);
      worker.unref();
      workers.push({ port: port1, flag: new Int32Array(flag) });
    }
  } catch (e) {
    Atomics.store(queue, 0, order.length); // the workers already started take no further run
    awaitWorkers(workers);
    throw e;
  }
  let finished = false;
  const once = () => {
    if (finished) throw new Error('Control Tower validation: these runs were already finished');
    finished = true;
  };
  return {
    cancel: () => {
      once();
      Atomics.store(queue, 0, order.length);
      awaitWorkers(workers);
    },
    finish: () => {
      once();
      const out = new Array<PolicyValidationPluginReport>(runs.length);
      // Wait for every worker even when a run fails here, so none is left reading files the caller removes.
      let failure: Error | undefined;
      try {
        for (let k = Atomics.add(queue, 0, 1); k < order.length; k = Atomics.add(queue, 0, 1)) {
          out[order[k]] = runOne(runs[order[k]], options.maxBuffer);
        }
      } catch (e) {
        Atomics.store(queue, 0, order.length); // the workers take no further run
        failure = e instanceof Error ? e : new Error(String(e));
      }
      for (const message of awaitWorkers(workers)) {
        if (message?.results) for (const [i, r] of message.results) out[i] = r;
        else failure ??= new Error(`Control Tower validation failed in a cfn-guard worker: ${message?.error ?? 'no result'}`);
      }
      if (failure) throw failure;
      for (let i = 0; i < runs.length; i++) {
        if (!out[i]) throw new Error(`Control Tower validation: run ${i} of ${runs.length} gave no report`);
      }
      return out;
    },
  };
}

type WorkerMessage = { results?: Array<[number, PolicyValidationPluginReport]>; error?: string } | undefined;

/** Wait for every worker's flag (one deadline for all of them) and read each one's message. */
function awaitWorkers(workers: Array<{ port: MessagePort; flag: Int32Array }>): WorkerMessage[] {
  const deadline = Date.now() + WORKER_TIMEOUT_MS;
  return workers.map((w) => {
    const left = Math.max(0, deadline - Date.now());
    if (Atomics.load(w.flag, 0) === 0 && Atomics.wait(w.flag, 0, 0, left) === 'timed-out') {
      w.port.close();
      return { error: `no result within ${WORKER_TIMEOUT_MS / 60000} minutes (cfn-guard hung or the machine stalled)` };
    }
    const message = receiveMessageOnPort(w.port)?.message as WorkerMessage;
    w.port.close();
    return message;
  });
}
