#!/usr/bin/env node
/**
 * Audit-log benchmark against a local S3-compatible server (s3rver on loopback):
 *   npm run bench:audit [-- --records 10000 --big 100000]
 * Prints records/second written and verified for `records`, and the verifier's peak memory on a chain of
 * `big` records (the verifier streams: its memory must not grow with the chain). Writes bench/results/audit.json.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { verifyS3Chain } from '../lib/runtime/audit/verify-s3';
import { AuditLogWriter, auditS3Client } from '../lib/runtime/audit/writer';

const { values } = parseArgs({ options: { records: { type: 'string', default: '10000' }, big: { type: 'string', default: '100000' } } });
const RECORDS = Number(values.records);
const BIG = Number(values.big);

const event = (i: number) => ({
  actor: `user-${i % 500}`,
  action: 'patient.record.read',
  resource: `patient/${i}`,
  tenant: 'acme',
  time: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  sourceIp: '198.51.100.4',
  userAgent: 'bench',
  outcome: 'success' as const,
  requestId: `req-${i}`,
});

async function main(): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-bench-')),
  });
  const info = await server.run();
  const s3 = auditS3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${info.port}`, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'audit' }));
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
      return Number(process.hrtime.bigint() - t0) / 1e9;
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
      const r = await verifyS3Chain(s3, { bucket: 'audit', tenant: 'acme', writerId, retentionYears: 7 });
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      clearInterval(timer);
      if (!r.ok) throw new Error(`benchmark chain did not verify: ${JSON.stringify(r.firstBreak)}`);
      return { secs, records: r.records, heapGrowthMiB: (peakHeap - base.heapUsed) / 2 ** 20, peakRssMiB: peakRss / 2 ** 20 };
    };

    const wSecs = await write('bench-10k', RECORDS, 100);
    const v = await verify('bench-10k');
    await write('bench-big', BIG, 1000);
    const big = await verify('bench-big');
    const results = {
      machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      server: 's3rver 3.7.1 on 127.0.0.1',
      writeRecordsPerSecond: Math.round(RECORDS / wSecs),
      verifierHeapGrowthMiBAtRecords: Number(v.heapGrowthMiB.toFixed(1)),
      verifyRecordsPerSecond: Math.round(RECORDS / v.secs),
      records: RECORDS,
      bigChain: {
        records: big.records,
        verifySeconds: Number(big.secs.toFixed(1)),
        verifierHeapGrowthMiB: Number(big.heapGrowthMiB.toFixed(1)),
        peakRssMiB: Number(big.peakRssMiB.toFixed(0)),
      },
    };
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'results', 'audit.json'), JSON.stringify(results, undefined, 2) + '\n');
    console.log(`audit log benchmark (${results.machine}; ${results.server})`);
    console.log(`  write  ${RECORDS} records (batches of 100):  ${results.writeRecordsPerSecond} records/s`);
    console.log(
      `  verify ${RECORDS} records:                   ${results.verifyRecordsPerSecond} records/s, heap growth ${results.verifierHeapGrowthMiBAtRecords} MiB`,
    );
    console.log(
      `  verify ${big.records} records (batches of 1000): ${results.bigChain.verifySeconds} s, heap growth ${results.bigChain.verifierHeapGrowthMiB} MiB, peak RSS ${results.bigChain.peakRssMiB} MiB`,
    );
  } finally {
    await server.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
