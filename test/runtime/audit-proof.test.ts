import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sealChains } from '../../lib/runtime/audit/sealer';
import { verifyProof } from '../../lib/runtime/audit/proof';
import { AuditLogWriter } from '../../lib/runtime/audit/writer';
import { main as prove } from '../../lib/runtime/cli/audit-prove';
import { main as verifyProofCli } from '../../lib/runtime/cli/audit-verify-proof';
import { AuditS3, BUCKET, event, startAuditS3 } from '../helpers/audit-s3';

const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const sign = (m: Buffer) => Promise.resolve(crypto.sign('sha256', m, { key: privateKey, dsaEncoding: 'der' }));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-proof-'));
const pem = path.join(dir, 'checkpoint.pem');
fs.writeFileSync(pem, publicKey.export({ type: 'spki', format: 'pem' }));
const otherPem = path.join(dir, 'other.pem');
fs.writeFileSync(otherPem, crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));

let local: AuditS3;
let base: string[];
const run = async (main: typeof prove, ...argv: string[]) => {
  const lines: string[] = [];
  const code = await main(
    argv,
    (s) => lines.push(s),
    (s) => lines.push(s),
  );
  return { code, text: lines.join('\n') };
};

beforeAll(async () => {
  local = await startAuditS3(7);
  process.env.AWS_ACCESS_KEY_ID = 'auditor';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  base = ['--bucket', BUCKET, '--tenant', 'acme', '--writer', 'api-1', '--endpoint', local.endpoint, '--region', 'us-east-1'];
  const w = new AuditLogWriter({
    s3: local.client('writer'),
    bucket: BUCKET,
    kmsKeyId: 'k',
    tenant: 'acme',
    writerId: 'api-1',
    batchSize: 8,
  });
  await w.open();
  const seal = () => sealChains({ s3: local.client('sealer'), bucket: BUCKET, keyId: 'k', sign, publicKey, retentionYears: 7 });
  for (let i = 0; i < 21; i++) w.append(event(i));
  await w.flush();
  await seal();
  for (let i = 21; i < 50; i++) w.append(event(i));
  await w.flush();
  await seal();
  for (let i = 50; i < 53; i++) w.append(event(i));
  await w.flush();
});
afterAll(() => local.stop());

describe('audit:prove and audit:verify-proof', () => {
  const proofFile = path.join(dir, 'user-3.json');

  test('the records of one user, proven against the latest checkpoint, with a consistency proof from an earlier one', async () => {
    const r = await run(prove, ...base, '--public-key', pem, '--actor', 'user-3', '--from-checkpoint', '21', '--out', proofFile);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(
      /7 record\(s\) proven against the checkpoint of 50 records .*; 1 more matching record\(s\) are after it \(unsealed\)/,
    );
    const bundle = JSON.parse(fs.readFileSync(proofFile, 'utf8')) as {
      records: { record: { event: { actor: string; requestId: string } } }[];
    };
    expect(bundle.records.every((x) => x.record.event.actor === 'user-3')).toBe(true);
    // No other record is disclosed: only hashes of them.
    expect(fs.readFileSync(proofFile, 'utf8')).not.toMatch(/"user-4"|req-4"/);
    const ok = await run(verifyProofCli, '--proof', proofFile, '--public-key', pem);
    expect(ok).toMatchObject({ code: 0, text: 'OK: 7 record(s) of acme/api-1 proven in the signed checkpoint of 50 records' });
  });

  test('a patient (resource) and a time range select other records', async () => {
    const f = path.join(dir, 'patient.json');
    expect((await run(prove, ...base, '--public-key', pem, '--resource', 'patient/2', '--out', f)).code).toBe(0);
    expect(verifyProof(fs.readFileSync(f, 'utf8'), publicKey)).toMatchObject({ ok: true, verified: 5 });
    const from = event(10).time;
    const to = event(13).time;
    expect((await run(prove, ...base, '--public-key', pem, '--from', from, '--to', to, '--out', f)).code).toBe(0);
    expect(verifyProof(fs.readFileSync(f, 'utf8'), publicKey)).toMatchObject({ ok: true, verified: 3 });
  });

  test('any altered byte of the proof fails, and so does another public key', async () => {
    const text = fs.readFileSync(proofFile, 'utf8');
    const bytes = Buffer.from(text);
    let passed = 0;
    for (let i = 0; i < bytes.length; i++) {
      const t = Buffer.from(bytes);
      t[i] = t[i] ^ 0x01;
      if (verifyProof(t.toString('latin1'), publicKey).ok) passed++;
    }
    expect(passed).toBe(0);
    expect(verifyProof(text, publicKey).ok).toBe(true);
    expect(await run(verifyProofCli, '--proof', proofFile, '--public-key', otherPem)).toMatchObject({
      code: 1,
      text: expect.stringMatching(/INVALID: checkpoint: the signature does not verify/),
    });
  });

  test('bad arguments exit 2; --help exits 0', async () => {
    expect((await run(prove, '--help')).code).toBe(0);
    expect((await run(verifyProofCli, '--help')).code).toBe(0);
    expect(await run(prove, ...base, '--public-key', pem)).toMatchObject({
      code: 2,
      text: expect.stringMatching(/give at least one of --actor/),
    });
    expect(await run(prove, ...base, '--public-key', pem, '--from', 'yesterday')).toMatchObject({
      code: 2,
      text: expect.stringMatching(/--from got "yesterday"/),
    });
    expect(await run(prove, ...base, '--actor', 'a', '--actor', 'b', '--public-key', pem)).toMatchObject({
      code: 2,
      text: expect.stringMatching(/--actor given more than once/),
    });
    expect(await run(verifyProofCli, '--proof', path.join(dir, 'nope.json'), '--public-key', pem)).toMatchObject({ code: 2 });
  });
});
