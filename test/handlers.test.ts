import { mockClient } from 'aws-sdk-client-mock';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ALBEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { handler as health } from '../lib/handlers/health';
import { consumer, parseJob, slotWriterId } from '../lib/handlers/queue-consumer';
import { verifyS3Chain } from '../lib/runtime/audit/verify-s3';
import { AuditS3, BUCKET, startAuditS3 } from './helpers/audit-s3';

const alb = (httpMethod: string, path: string): ALBEvent => ({
  httpMethod,
  path,
  headers: {},
  queryStringParameters: {},
  body: null,
  isBase64Encoded: false,
  requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/x/1' } },
});

describe('health worker', () => {
  test('GET /health answers 200 with security headers', async () => {
    const r = await health(alb('GET', '/health'));
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body!)).toMatchObject({ status: 'ok' });
    expect(r.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  });
  test('other paths are 404 and other methods 405', async () => {
    expect((await health(alb('GET', '/patients'))).statusCode).toBe(404);
    expect((await health(alb('POST', '/health'))).statusCode).toBe(405);
  });
});

describe('queue consumer', () => {
  const sm = mockClient(SecretsManagerClient);
  let local: AuditS3;
  const writerId = 'consumer-test';
  const consume = consumer(() => ({ s3: local.client('writer'), bucket: BUCKET, kmsKeyId: 'alias/audit', writerId }));
  beforeAll(async () => {
    process.env.DB_HOST = 'db.internal';
    process.env.DB_PORT = '5433';
    local = await startAuditS3();
  });
  afterAll(() => local.stop());
  const rec = (messageId: string, body: string): SQSRecord => ({ messageId, body }) as SQSRecord;

  test('a valid job parses', () => {
    expect(parseJob('{"jobId":"j1","tenantId":"acme","type":"export","recordId":"r1"}')).toEqual({
      jobId: 'j1',
      tenantId: 'acme',
      type: 'export',
      recordId: 'r1',
    });
  });
  test.each([
    ['not json', /not JSON/],
    ['[]', /jobId/],
    ['{"jobId":"j1","tenantId":"ACME","type":"export","recordId":"r1"}', /tenantId/],
    ['{"jobId":"j1","tenantId":"acme","type":"drop","recordId":"r1"}', /type must be one of/],
    ['{"jobId":"j 1","tenantId":"acme","type":"export","recordId":"r1"}', /jobId/],
  ])('a bad job is refused: %s', (body, message) => {
    expect(() => parseJob(body)).toThrow(message);
  });
  test('only the failed messages are reported back; jobs run as the tenant login, never reading the master secret', async () => {
    const event: SQSEvent = {
      Records: [rec('m1', '{"jobId":"j1","tenantId":"acme","type":"export","recordId":"r1"}'), rec('m2', 'garbage')],
    };
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await consume(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(await consume({ Records: [rec('m3', 'bad')] })).toEqual({ batchItemFailures: [{ itemIdentifier: 'm3' }] });
    expect(sm.calls()).toHaveLength(0);
    expect(log.mock.calls.flat().join('\n')).toContain('"dbUser":"tenant_acme"');
    expect(log.mock.calls.flat().join('\n')).not.toContain('garbage');
    log.mockRestore();
  });

  test('every accepted job leaves a verifiable audit record in its tenant chain before it counts as done', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const job = (id: string, tenantId: string) => rec(id, JSON.stringify({ jobId: id, tenantId, type: 'reindex', recordId: `r-${id}` }));
    expect(await consume({ Records: [job('a1', 'globex'), job('a2', 'globex'), job('a3', 'initech')] })).toEqual({
      batchItemFailures: [],
    });
    for (const [tenant, records] of [
      ['globex', 2],
      ['initech', 1],
    ] as const) {
      const report = await verifyS3Chain(local.client('auditor'), { bucket: BUCKET, tenant, writerId, retentionYears: 7 });
      expect({ tenant, findings: report.findings, records: report.records }).toEqual({ tenant, findings: [], records });
    }
    log.mockRestore();
  });

  test('the writer id is one of a bounded set of slots (the reserved concurrency), never one per cold start', () => {
    const ids = new Set(Array.from({ length: 200 }, () => slotWriterId('4')));
    expect([...ids].sort()).toEqual(['consumer-0', 'consumer-1', 'consumer-2', 'consumer-3']);
    expect(slotWriterId('10', () => 7)).toBe('consumer-7');
    for (const bad of [undefined, '', '0', '-1', '2.5', 'four', '1001'])
      expect(() => slotWriterId(bad)).toThrow(/AUDIT_WRITER_SLOTS is .*: it must be an integer from 1 to 1000/);
  });

  test('two containers that drew the same slot both confirm their jobs: one chain, linked, no fork', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const target = () => ({ s3: local.client('writer'), bucket: BUCKET, kmsKeyId: 'alias/audit', writerId: 'consumer-3' });
    const [a, b] = [consumer(target), consumer(target)];
    const job = (id: string) => rec(id, JSON.stringify({ jobId: id, tenantId: 'hooli', type: 'export', recordId: `r-${id}` }));
    // Concurrently first (both open the empty chain, one PUT loses), then in turns: each holds a stale end at
    // least once, so its batch key is taken and it re-links.
    expect(await Promise.all([a({ Records: [job('s1')] }), b({ Records: [job('s2'), job('s3')] })])).toEqual([
      { batchItemFailures: [] },
      { batchItemFailures: [] },
    ]);
    expect(await a({ Records: [job('s4')] })).toEqual({ batchItemFailures: [] });
    expect(await b({ Records: [job('s5')] })).toEqual({ batchItemFailures: [] });
    const report = await verifyS3Chain(local.client('auditor'), {
      bucket: BUCKET,
      tenant: 'hooli',
      writerId: 'consumer-3',
      retentionYears: 7,
    });
    expect({ findings: report.findings, records: report.records }).toEqual({ findings: [], records: 5 });
    log.mockRestore();
  });

  test('a job whose audit record cannot be stored is reported back for retry', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    // A principal that may not write: the audit write fails, so the job is not confirmed.
    const denied = consumer(() => ({ s3: local.client('auditor'), bucket: BUCKET, kmsKeyId: 'alias/audit', writerId: 'consumer-denied' }));
    const body = JSON.stringify({ jobId: 'd1', tenantId: 'umbrella', type: 'export', recordId: 'r1' });
    expect(await denied({ Records: [rec('d1', body)] })).toEqual({ batchItemFailures: [{ itemIdentifier: 'd1' }] });
    expect(log.mock.calls.flat().join('\n')).toContain('audit write failed');
    log.mockRestore();
  });
});
