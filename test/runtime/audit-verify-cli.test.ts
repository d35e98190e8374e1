import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../lib/runtime/cli/audit-verify';

const s3mock = mockClient(S3Client);
const io = () => {
  const lines: string[] = [];
  return { lines, f: (s: string) => lines.push(s) };
};

describe('audit:verify CLI', () => {
  beforeEach(() => s3mock.reset());

  test('bad arguments exit 2 with usage', async () => {
    const c = io();
    expect(await main(['--bucket', 'b'], c.f, c.f)).toBe(2);
    expect(c.lines.join()).toMatch(/--tenant is required/);
    expect(await main(['--bucket', 'b', '--tenant', 'acme', '--writer', 'w', '--retention-years', 'seven'], c.f, c.f)).toBe(2);
    expect(c.lines.join()).toMatch(/--retention-years got "seven"; must be a whole number of years from 1 to 100/);
    expect(await main(['--nope'], c.f, c.f)).toBe(2);
  });

  test('a missing bucket or denied access is a clear error with exit 2, not a verdict', async () => {
    s3mock.on(GetObjectCommand).rejects(Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' }));
    const c = io();
    expect(await main(['--bucket', 'gone', '--tenant', 'acme', '--writer', 'w', '--region', 'us-east-1'], c.f, c.f)).toBe(2);
    expect(c.lines.join()).toMatch(/error: reading the chain head failed: NoSuchBucket.*check the stack outputs/);
    s3mock.reset();
    s3mock.on(GetObjectCommand).rejects(Object.assign(new Error('nope'), { name: 'NoSuchKey' }));
    s3mock.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const d = io();
    expect(await main(['--bucket', 'b', '--tenant', 'acme', '--writer', 'w', '--region', 'us-east-1'], d.f, d.f)).toBe(2);
    expect(d.lines.join()).toMatch(/failed: AccessDenied: Access Denied \(the caller lacks permission/);
  });

  test('an empty chain with no head verifies (nothing written yet)', async () => {
    s3mock.on(GetObjectCommand).rejects(Object.assign(new Error('nope'), { name: 'NoSuchKey' }));
    s3mock.on(ListObjectsV2Command).resolves({ Contents: [], IsTruncated: false });
    const c = io();
    expect(await main(['--bucket', 'b', '--tenant', 'acme', '--writer', 'w', '--region', 'us-east-1', '--json'], c.f, c.f)).toBe(0);
    expect(JSON.parse(c.lines.join())).toMatchObject({ ok: true, records: 0, objects: 0 });
  });
});
