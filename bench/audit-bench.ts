#!/usr/bin/env node
/**
 * Audit-log benchmark against the local versioned Object Lock S3 (test/helpers/versioned-s3.ts, run in a child
 * process on loopback so its memory is not counted as the verifier's):
 *   npm run bench:audit [-- --records 10000 --big 1000000]
 * Prints records/second written and verified (`records`, batches of 100), the sealing cost, the proof size and
 * verification time for one record of a `big`-record chain, and the verifier's peak memory on that chain (it streams).
 * Writes bench/results/audit.json.
 */
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { buildProof, verifyProof } from '../lib/runtime/audit/proof';
import { sealChains } from '../lib/runtime/audit/sealer';
import { verifyS3Chain } from '../lib/runtime/audit/verify-s3';
import { AuditLogWriter, auditS3Client } from '../lib/runtime/audit/writer';

const { values } = parseArgs({ options: { records: { type: 'string', default: '10000' }, big: { type: 'string', default: '1000000' } } });
const RECORDS = Number(values.records);
const BIG = Number(values.big);
const start = Date.now() - BIG * 1000 - 3_600_000;

const event = (i: number) => ({
  actor: `user-${i % 500}`,
  action: 'patient.record.read',
  resource: `patient/${i % 5000}`,
  tenant: 'acme',
  time: new Date(start + i * 1000).toISOString(),
  sourceIp: '198.51.100.4',
  userAgent: 'bench',
  outcome: 'success' as const,
  requestId: `req-${i}`,
});
const secondsSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

async function startServer(): Promise<{ endpoint: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--max-old-space-size=4096', '--import', 'tsx', path.join(__dirname, 'versioned-s3-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the local S3 exited (${code})`)));
  });
  return { endpoint, stop: () => child.kill() };
}

async function main(): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID = 'admin';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  const server = await startServer();
  const s3 = auditS3Client({ region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true });
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sign = (m: Buffer) => Promise.resolve(crypto.sign('sha256', m, { key: privateKey, dsaEncoding: 'der' }));
  try {
    const write = async (writerId: string, n: number, batchSize: number) => {
      const w = new AuditLogWriter({ s3, bucket: 'audit', kmsKeyId: 'k', tenant: 'acme', writerId, batchSize });
      await w.open();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        w.append(event(i));
        if (w.pending >= batchSize) await w.flush();
      }
      await w.flush();
      return secondsSince(t0);
    };
    const verify = async (writerId: string) => {
      global.gc?.();
      const base = process.memoryUsage();
      let peakHeap = base.heapUsed;
      let peakRss = base.rss;
      const timer = setInterval(() => {
        const m = process.memoryUsage();
        peakHeap = Math.max(peakHeap, m.heapUsed);
        peakRss = Math.max(peakRss, m.rss);
      }, 5);
      const t0 = process.hrtime.bigint();
      const r = await verifyS3Chain(s3, { bucket: 'audit', tenant: 'acme', writerId, retentionYears: 7, publicKey });
      const secs = secondsSince(t0);
      clearInterval(timer);
      if (!r.ok) throw new Error(`benchmark chain did not verify: ${JSON.stringify(r.findings.slice(0, 3))}`);
      return { secs, records: r.records, heapGrowthMiB: (peakHeap - base.heapUsed) / 2 ** 20, peakRssMiB: peakRss / 2 ** 20, report: r };
    };
    const seal = async () => {
      const t0 = process.hrtime.bigint();
      const results = await sealChains({ s3, bucket: 'audit', keyId: 'bench', sign, publicKey, retentionYears: 7 });
      return { secs: secondsSince(t0), results };
    };

    const wSecs = await write('bench-small', RECORDS, 100);
    const small = await verify('bench-small');
    const sealSmall = await seal();
    console.log(
      `small chain: written ${RECORDS} in ${wSecs.toFixed(1)} s, verified in ${small.secs.toFixed(1)} s, sealed in ${sealSmall.secs.toFixed(1)} s`,
    );
    const bigWriteSecs = await write('bench-big', BIG, 1000);
    console.log(`big chain: written ${BIG} in ${bigWriteSecs.toFixed(0)} s`);
    const sealBig = await seal(); // verifies both chains again; only the big one grows
    const big = await verify('bench-big');
    if (big.report.sealing.unsealedRecords !== 0) throw new Error('the big chain is not sealed');
    const t0 = process.hrtime.bigint();
    const { bundle } = await buildProof(s3, {
      bucket: 'audit',
      tenant: 'acme',
      writerId: 'bench-big',
      publicKey,
      select: { actor: 'user-7', from: new Date(start + 777_007_000), to: new Date(start + 777_008_000) },
    });
    const proveSecs = secondsSince(t0);
    const text = JSON.stringify(bundle);
    const runs = 200;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) if (!verifyProof(text, publicKey).ok) throw new Error('the proof did not verify');
    const verifyProofMs = (secondsSince(t1) / runs) * 1000;

    const results = {
      machine: `${os.cpus().length} cores (shared), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      server: 'local versioned Object Lock S3 model (test/helpers/versioned-s3.ts) in a child process on 127.0.0.1',
      records: RECORDS,
      writeRecordsPerSecond: Math.round(RECORDS / wSecs),
      verifyRecordsPerSecond: Math.round(RECORDS / small.secs),
      sealSecondsSmallChain: Number(sealSmall.secs.toFixed(2)),
      bigChain: {
        records: big.records,
        writeRecordsPerSecond: Math.round(BIG / bigWriteSecs),
        verifySeconds: Number(big.secs.toFixed(1)),
        verifyRecordsPerSecond: Math.round(big.records / big.secs),
        verifierHeapGrowthMiB: Number(big.heapGrowthMiB.toFixed(1)),
        verifierPeakRssMiB: Number(big.peakRssMiB.toFixed(0)),
        sealSecondsAllChains: Number(sealBig.secs.toFixed(1)),
        proofRecords: bundle.records.length,
        proofHashesPerRecord: bundle.records[0]?.proof.length,
        proofBundleBytes: Buffer.byteLength(text),
        buildProofSeconds: Number(proveSecs.toFixed(1)),
        verifyProofMilliseconds: Number(verifyProofMs.toFixed(2)),
      },
    };
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'results', 'audit.json'), JSON.stringify(results, undefined, 2) + '\n');
    console.log(JSON.stringify(results, undefined, 2));
  } finally {
    server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
