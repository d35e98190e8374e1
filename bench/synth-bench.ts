#!/usr/bin/env node
/**
 * Synth benchmark: median wall time and peak memory of a full synth of the reference deployment, with every
 * rule pack and without, for the default config (no tenant) and 1, 10, 50 and 200 tenants.
 *   npm run bench [-- --runs 3]
 * Each synth runs in a fresh Node process (tsx bench/synth-once.ts). Writes bench/results/synth.json with the
 * commit, the machine and the load average before the first run; refuses (exit 2) on a tree with uncommitted
 * changes, before measuring and again before writing.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { assertCleanTree, DirtyTreeError, provenance } from './provenance';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, tenants: { type: 'string', default: '0,1,10,50,200' } },
});
const RUNS = Number(values.runs);
const CASES = values.tenants.split(',').map(Number);
const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');

const REPO = path.join(__dirname, '..');
function refuseDirtyTree(): void {
  try {
    assertCleanTree(REPO);
  } catch (e) {
    if (!(e instanceof DirtyTreeError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
}
refuseDirtyTree();
const run = provenance(REPO);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Row {
  tenants: number;
  packs: 'on' | 'off';
  medianSynthMs: number;
  medianProcessMs: number;
  peakRssMiB: number;
}

const rows: Row[] = [];
for (const tenants of CASES) {
  for (const packs of ['on', 'off'] as const) {
    const synth: number[] = [];
    const proc: number[] = [];
    let rss = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      const out = execFileSync(tsx, [path.join(__dirname, 'synth-once.ts'), String(tenants), packs], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      proc.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const r = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; maxRssMiB: number };
      synth.push(r.ms);
      rss = Math.max(rss, r.maxRssMiB);
    }
    rows.push({
      tenants,
      packs,
      medianSynthMs: Math.round(median(synth)),
      medianProcessMs: Math.round(median(proc)),
      peakRssMiB: Math.round(rss),
    });
    process.stderr.write(`.`);
  }
}
process.stderr.write('\n');

const get = (tenants: number, packs: 'on' | 'off') => rows.find((r) => r.tenants === tenants && r.packs === packs)!;
const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
const table = CASES.map((n) => {
  const on = get(n, 'on');
  const off = get(n, 'off');
  return {
    tenants: n,
    packsOnMs: on.medianSynthMs,
    packsOffMs: off.medianSynthMs,
    packsRatio: ratio(on.medianSynthMs, off.medianSynthMs),
    packsOnPeakRssMiB: on.peakRssMiB,
    packsOffPeakRssMiB: off.peakRssMiB,
  };
});
const scaling =
  CASES.includes(1) && CASES.includes(200)
    ? {
        packsOn: ratio(get(200, 'on').medianSynthMs, get(1, 'on').medianSynthMs),
        packsOff: ratio(get(200, 'off').medianSynthMs, get(1, 'off').medianSynthMs),
      }
    : undefined;
const machine = `${run.machine.cpuModel}, ${run.machine.cores} cores, ${run.machine.memoryGiB} GiB, Node ${run.machine.node}`;
const results = {
  ...run,
  runs: RUNS,
  rows,
  table,
  ratio200To1Tenant: scaling,
};
refuseDirtyTree();
fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
fs.writeFileSync(path.join(__dirname, 'results', 'synth.json'), JSON.stringify(results, undefined, 2) + '\n');

console.log(`synth benchmark (${machine}; median of ${RUNS} runs; time = build + synth in a fresh process)`);
console.log(`commit ${run.commit}; load average before: ${Object.values(run.loadAverageBefore).join(', ')} (1, 5, 15 min)`);
console.log('| tenants | packs on | packs off | on / off | peak RSS on | peak RSS off |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const t of table)
  console.log(
    `| ${t.tenants} | ${(t.packsOnMs / 1000).toFixed(1)} s | ${(t.packsOffMs / 1000).toFixed(1)} s | ${t.packsRatio} | ${t.packsOnPeakRssMiB} MiB | ${t.packsOffPeakRssMiB} MiB |`,
  );
if (scaling) console.log(`200 tenants / 1 tenant: ${scaling.packsOn}x with packs, ${scaling.packsOff}x without`);
