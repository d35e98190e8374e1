import { mockClient } from 'aws-sdk-client-mock';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ALBEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { handler as health } from '../lib/handlers/health';
import { handler as consume, parseJob } from '../lib/handlers/queue-consumer';

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
  beforeAll(() => {
    process.env.DB_HOST = 'db.internal';
    process.env.DB_PORT = '5433';
  });
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
});
