/**
 * A small versioned S3 with Object Lock, served over HTTP on loopback for the audit-log tests (s3rver has neither
 * versioning nor Object Lock, and no npm or Debian package here offers both). It models, for one or more buckets,
 * the subset of S3 the audit log and its attacker use, following the S3 API reference:
 * - versioning: every PUT adds a version (`x-amz-version-id`); DELETE without a version id adds a delete marker;
 *   GET/HEAD of a key whose current version is a delete marker answer 404 with `x-amz-delete-marker: true`;
 *   ListObjectsV2 lists current, non-deleted versions; ListObjectVersions lists versions (newest first per key) and
 *   delete markers, with key/version-id markers for paging.
 * - Object Lock: bucket default retention (PutObjectLockConfiguration), per-object mode and retain-until on PUT,
 *   PutObjectRetention / GetObjectRetention. A COMPLIANCE-locked version cannot be deleted (DELETE with its version
 *   id) or have its retention shortened or its mode changed, by anyone, until it expires ("Using S3 Object Lock",
 *   S3 user guide); a delete marker or a new version on top of it is allowed, as on S3.
 * - conditional writes: `If-None-Match: *` fails with 412 when the key has a current version.
 * - integrity: `x-amz-checksum-sha256` and `Content-MD5` are checked against the body (400 BadDigest).
 * - who may do what: each access key id (read from the SigV4 `Authorization` header) maps to a set of IAM actions
 *   (on every resource), or to identity-policy statements: actions on resource ARN patterns (`*` wildcards), with
 *   an optional `StringLike` condition on `s3:prefix` (a ListObjectsV2 request's prefix; absent on every other
 *   request, and an absent key never matches StringLike). Anything not allowed is 403 AccessDenied. Signatures
 *   are NOT verified: the key id is trusted as given.
 * - a GET/HEAD of a key with no current version answers 404 NoSuchKey only to a principal that may list the bucket
 *   without condition; any other gets 403 AccessDenied, as S3 does ("If you don't have the s3:ListBucket
 *   permission, Amazon S3 returns an HTTP status code 403 (access denied)",
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). A ListBucket allowed only for some
 *   s3:prefix values does not count: the GET carries no s3:prefix.
 * Not modelled: SSE-KMS (the headers are accepted and echoed, nothing is encrypted), GOVERNANCE bypass, legal holds,
 * multipart uploads, ACLs, bucket policies, lifecycle rules, replication, virtual-host addressing,
 * ListObjects v1, and the eventual consistency of listings (this model is strongly consistent, as S3 is today).
 */
import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';

export type S3Action =
  | 's3:PutObject'
  | 's3:GetObject'
  | 's3:GetObjectVersion'
  | 's3:ListBucket'
  | 's3:ListBucketVersions'
  | 's3:DeleteObject'
  | 's3:DeleteObjectVersion'
  | 's3:PutObjectRetention'
  | 's3:GetObjectRetention'
  | 's3:CreateBucket'
  | 's3:PutBucketObjectLockConfiguration';

export const ALL_ACTIONS: readonly S3Action[] = [
  's3:PutObject',
  's3:GetObject',
  's3:GetObjectVersion',
  's3:ListBucket',
  's3:ListBucketVersions',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObjectRetention',
  's3:GetObjectRetention',
  's3:CreateBucket',
  's3:PutBucketObjectLockConfiguration',
];

export interface StoredVersion {
  readonly versionId: string;
  readonly deleteMarker: boolean;
  readonly body: Buffer;
  readonly lastModified: Date;
  readonly etag: string;
  lockMode?: 'COMPLIANCE' | 'GOVERNANCE';
  retainUntil?: Date;
  readonly headers: Record<string, string>;
}

interface Bucket {
  readonly versioning: boolean;
  objectLock: boolean;
  defaultRetention?: { mode: 'COMPLIANCE' | 'GOVERNANCE'; days: number };
  /** key → versions, oldest first. */
  readonly objects: Map<string, StoredVersion[]>;
}

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const tag = (name: string, value: string | number | boolean | undefined) =>
  value === undefined ? '' : `<${name}>${xmlEscape(String(value))}</${name}>`;

/** An Allow statement of an identity policy, as far as the model evaluates one. */
export interface S3AllowStatement {
  readonly actions: readonly S3Action[];
  /** Resource ARN patterns (`arn:aws:s3:::bucket`, `arn:aws:s3:::bucket/prefix*`); `*` matches any characters. */
  readonly resources: readonly string[];
  /** `StringLike` on `s3:prefix`: the statement applies only when the request has a prefix matching one of these. */
  readonly prefixLike?: readonly string[];
}

/** What a principal may do: actions on every resource, or identity-policy statements. */
export type S3Grant = readonly S3Action[] | { readonly statements: readonly S3AllowStatement[] };

/** `StringLike` / ARN-pattern match: `*` any characters, `?` one character, the rest literal. */
export const likeMatch = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  ).test(value);

export interface VersionedS3Options {
  /** Access key id → what it may do. @default - one key "admin" that may do everything */
  readonly principals?: Record<string, S3Grant>;
  /** The model's clock. @default - the system clock */
  readonly now?: () => Date;
  /** Objects per ListObjectVersions / ListObjectsV2 page at most. @default 1000 */
  readonly maxKeys?: number;
}

export class VersionedS3 {
  readonly buckets = new Map<string, Bucket>();
  private server?: http.Server;
  private seq = 0;
  private readonly principals: Record<string, readonly S3AllowStatement[]>;
  now: () => Date;
  private readonly maxKeys: number;

  constructor(options: VersionedS3Options = {}) {
    this.principals = Object.fromEntries(
      Object.entries(options.principals ?? { admin: ALL_ACTIONS }).map(([k, v]) => [
        k,
        'statements' in v ? v.statements : [{ actions: v, resources: ['*'] }],
      ]),
    );
    this.now = options.now ?? (() => new Date());
    this.maxKeys = options.maxKeys ?? 1000;
  }

  /** Start on 127.0.0.1 (a free port); returns the endpoint URL. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Create a bucket directly (as its owner). */
  createBucket(name: string, opts: { objectLock?: boolean; defaultRetention?: Bucket['defaultRetention'] } = {}): void {
    this.buckets.set(name, {
      versioning: true,
      objectLock: opts.objectLock ?? false,
      defaultRetention: opts.defaultRetention,
      objects: new Map(),
    });
  }

  /** Every version of a key, oldest first (test inspection). */
  versions(bucket: string, key: string): readonly StoredVersion[] {
    return this.buckets.get(bucket)?.objects.get(key) ?? [];
  }

  /** Whether `principal` may perform `action` on `resource` (an S3 ARN), with `prefix` as s3:prefix if given. */
  isAllowed(principal: string, action: S3Action, resource: string, prefix?: string): boolean {
    return (this.principals[principal] ?? []).some(
      (st) =>
        st.actions.includes(action) &&
        st.resources.some((r) => likeMatch(r, resource)) &&
        (st.prefixLike === undefined || (prefix !== undefined && st.prefixLike.some((p) => likeMatch(p, prefix)))),
    );
  }

  private newVersionId(): string {
    this.seq++;
    return `${String(this.seq).padStart(10, '0')}${crypto.randomBytes(6).toString('hex')}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Buffer = Buffer.concat(chunks);
    try {
      if (req.headers['x-amz-decoded-content-length'] !== undefined) body = decodeAwsChunked(body);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const [, bucketName, ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      const q = url.searchParams;
      const principal = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '(anonymous)';
      const bucketArn = `arn:aws:s3:::${decodeURIComponent(bucketName)}`;
      const resource = key ? `${bucketArn}/${key}` : bucketArn;
      const prefix = key === '' && q.get('list-type') === '2' ? (q.get('prefix') ?? undefined) : undefined;
      const allow = (action: S3Action) => {
        if (!this.isAllowed(principal, action, resource, prefix))
          throw new S3Error(403, 'AccessDenied', `${principal} is not authorized to perform ${action} on ${resource}`);
      };
      // A missing key is told apart from a forbidden one only to a principal that may list the whole bucket.
      const mayList = () => this.isAllowed(principal, 's3:ListBucket', bucketArn);
      const out = this.route(req.method ?? 'GET', decodeURIComponent(bucketName), key, q, req.headers, body, allow, mayList);
      res.writeHead(out.status, { ...out.headers, 'content-length': String(out.body?.length ?? 0) });
      res.end(req.method === 'HEAD' ? undefined : out.body);
    } catch (e) {
      const err = e instanceof S3Error ? e : new S3Error(500, 'InternalError', (e as Error).message);
      const xml = Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><Error>${tag('Code', err.code)}${tag('Message', err.message)}</Error>`,
      );
      res.writeHead(err.status, { 'content-type': 'application/xml', 'content-length': String(xml.length), ...err.headers });
      res.end(req.method === 'HEAD' ? undefined : xml);
    }
  }

  private bucket(name: string): Bucket {
    const b = this.buckets.get(name);
    if (!b) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    return b;
  }

  private route(
    method: string,
    bucketName: string,
    key: string,
    q: URLSearchParams,
    h: http.IncomingHttpHeaders,
    body: Buffer,
    allow: (a: S3Action) => void,
    mayList: () => boolean,
  ): { status: number; headers: Record<string, string>; body?: Buffer } {
    const xml = (s: string) => ({
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${s}`),
    });
    if (!key) {
      if (method === 'PUT' && q.has('object-lock')) {
        allow('s3:PutBucketObjectLockConfiguration');
        const b = this.bucket(bucketName);
        const mode = /<Mode>(\w+)<\/Mode>/.exec(body.toString())?.[1] as 'COMPLIANCE' | 'GOVERNANCE' | undefined;
        const days = Number(/<Days>(\d+)<\/Days>/.exec(body.toString())?.[1]);
        b.objectLock = true;
        if (mode && days) b.defaultRetention = { mode, days };
        return { status: 200, headers: {} };
      }
      if (method === 'PUT') {
        allow('s3:CreateBucket');
        if (!this.buckets.has(bucketName)) this.createBucket(bucketName, { objectLock: h['x-amz-bucket-object-lock-enabled'] === 'true' });
        return { status: 200, headers: { location: `/${bucketName}` } };
      }
      if (method === 'GET' && q.has('versions')) {
        allow('s3:ListBucketVersions');
        return xml(this.listVersions(this.bucket(bucketName), bucketName, q));
      }
      if (method === 'GET' && q.get('list-type') === '2') {
        allow('s3:ListBucket');
        return xml(this.listV2(this.bucket(bucketName), bucketName, q));
      }
      throw new S3Error(501, 'NotImplemented', `${method} on a bucket with ${q.toString()} is not modelled`);
    }
    const b = this.bucket(bucketName);
    const versionId = q.get('versionId') ?? undefined;
    if (q.has('retention')) {
      const v = this.findVersion(b, key, versionId);
      if (method === 'GET') {
        allow('s3:GetObjectRetention');
        if (!v.lockMode)
          throw new S3Error(404, 'NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration');
        return xml(`<Retention>${tag('Mode', v.lockMode)}${tag('RetainUntilDate', v.retainUntil?.toISOString())}</Retention>`);
      }
      if (method === 'PUT') {
        allow('s3:PutObjectRetention');
        const mode = /<Mode>(\w+)<\/Mode>/.exec(body.toString())?.[1] as 'COMPLIANCE' | 'GOVERNANCE';
        const until = new Date(/<RetainUntilDate>([^<]+)<\/RetainUntilDate>/.exec(body.toString())?.[1] ?? '');
        if (this.isLocked(v) && v.lockMode === 'COMPLIANCE' && (mode !== 'COMPLIANCE' || until < v.retainUntil!))
          throw new S3Error(403, 'AccessDenied', 'Access Denied because object protected by object lock.');
        v.lockMode = mode;
        v.retainUntil = until;
        return { status: 200, headers: {} };
      }
    }
    if (method === 'PUT') {
      allow('s3:PutObject');
      if (h['x-amz-copy-source']) throw new S3Error(501, 'NotImplemented', 'CopyObject is not modelled');
      const sha = h['x-amz-checksum-sha256'];
      if (sha !== undefined && sha !== crypto.createHash('sha256').update(body).digest('base64'))
        throw new S3Error(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
      const md5 = h['content-md5'];
      if (md5 !== undefined && md5 !== crypto.createHash('md5').update(body).digest('base64'))
        throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
      const current = this.current(b, key);
      if (h['if-none-match'] === '*' && current && !current.deleteMarker)
        throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      const now = this.now();
      let lockMode = h['x-amz-object-lock-mode'] as StoredVersion['lockMode'];
      let retainUntil = h['x-amz-object-lock-retain-until-date'] ? new Date(String(h['x-amz-object-lock-retain-until-date'])) : undefined;
      if ((lockMode || retainUntil) && !b.objectLock)
        throw new S3Error(400, 'InvalidRequest', 'Bucket is missing Object Lock Configuration');
      if (!lockMode && b.defaultRetention) {
        lockMode = b.defaultRetention.mode;
        retainUntil = new Date(now.getTime() + b.defaultRetention.days * 86_400_000);
      }
      const v: StoredVersion = {
        versionId: b.versioning ? this.newVersionId() : 'null',
        deleteMarker: false,
        body,
        lastModified: now,
        etag: `"${crypto.createHash('md5').update(body).digest('hex')}"`,
        lockMode,
        retainUntil,
        headers: Object.fromEntries(
          ['content-type', 'x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id']
            .filter((n) => h[n] !== undefined)
            .map((n) => [n, String(h[n])]),
        ),
      };
      const list = b.objects.get(key) ?? [];
      list.push(v);
      b.objects.set(key, list);
      return {
        status: 200,
        headers: { etag: v.etag, 'x-amz-version-id': v.versionId, ...(sha ? { 'x-amz-checksum-sha256': String(sha) } : {}) },
      };
    }
    if (method === 'GET' || method === 'HEAD') {
      allow(versionId ? 's3:GetObjectVersion' : 's3:GetObject');
      if (!versionId && (!this.current(b, key) || this.current(b, key)!.deleteMarker) && !mayList())
        throw new S3Error(403, 'AccessDenied', 'Access Denied');
      const v = this.findVersion(b, key, versionId);
      if (v.deleteMarker) {
        if (versionId)
          throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', {
            'x-amz-delete-marker': 'true',
          });
        throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', {
          'x-amz-delete-marker': 'true',
          'x-amz-version-id': v.versionId,
        });
      }
      return {
        status: 200,
        headers: {
          ...v.headers,
          etag: v.etag,
          'last-modified': v.lastModified.toUTCString(),
          'x-amz-version-id': v.versionId,
          ...(v.lockMode
            ? { 'x-amz-object-lock-mode': v.lockMode, 'x-amz-object-lock-retain-until-date': v.retainUntil!.toISOString() }
            : {}),
        },
        body: v.body,
      };
    }
    if (method === 'DELETE') {
      if (!versionId) {
        allow('s3:DeleteObject');
        const list = b.objects.get(key) ?? [];
        const marker: StoredVersion = {
          versionId: this.newVersionId(),
          deleteMarker: true,
          body: Buffer.alloc(0),
          lastModified: this.now(),
          etag: '',
          headers: {},
        };
        list.push(marker);
        b.objects.set(key, list);
        return { status: 204, headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId } };
      }
      allow('s3:DeleteObjectVersion');
      const list = b.objects.get(key) ?? [];
      const i = list.findIndex((x) => x.versionId === versionId);
      if (i < 0) return { status: 204, headers: {} };
      if (this.isLocked(list[i])) throw new S3Error(403, 'AccessDenied', 'Access Denied because object protected by object lock.');
      list.splice(i, 1);
      if (!list.length) b.objects.delete(key);
      return { status: 204, headers: { 'x-amz-version-id': versionId } };
    }
    throw new S3Error(501, 'NotImplemented', `${method} on an object is not modelled`);
  }

  private isLocked(v: StoredVersion): boolean {
    return !v.deleteMarker && v.lockMode !== undefined && v.retainUntil !== undefined && v.retainUntil > this.now();
  }

  private current(b: Bucket, key: string): StoredVersion | undefined {
    const list = b.objects.get(key);
    return list?.[list.length - 1];
  }

  private findVersion(b: Bucket, key: string, versionId?: string): StoredVersion {
    const v = versionId ? b.objects.get(key)?.find((x) => x.versionId === versionId) : this.current(b, key);
    if (!v)
      throw versionId
        ? new S3Error(404, 'NoSuchVersion', 'The specified version does not exist.')
        : new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    return v;
  }

  private sortedKeys(b: Bucket, prefix: string): string[] {
    return [...b.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  private listV2(b: Bucket, name: string, q: URLSearchParams): string {
    const prefix = q.get('prefix') ?? '';
    const after = q.get('continuation-token') ?? q.get('start-after') ?? '';
    const max = Math.min(Number(q.get('max-keys') ?? this.maxKeys), this.maxKeys);
    const delimiter = q.get('delimiter');
    let keys = this.sortedKeys(b, prefix).filter((k) => k > after && !this.current(b, k)!.deleteMarker);
    const common = new Set<string>();
    if (delimiter) {
      keys = keys.filter((k) => {
        const i = k.indexOf(delimiter, prefix.length);
        if (i < 0) return true;
        common.add(k.slice(0, i + delimiter.length));
        return false;
      });
    }
    const page = keys.slice(0, max);
    const truncated = keys.length > page.length;
    const contents = page
      .map((k) => {
        const v = this.current(b, k)!;
        return `<Contents>${tag('Key', k)}${tag('LastModified', v.lastModified.toISOString())}${tag('ETag', v.etag)}${tag('Size', v.body.length)}${tag('StorageClass', 'STANDARD')}</Contents>`;
      })
      .join('');
    return `<ListBucketResult>${tag('Name', name)}${tag('Prefix', prefix)}${tag('KeyCount', page.length)}${tag('MaxKeys', max)}${tag('IsTruncated', truncated)}${
      truncated ? tag('NextContinuationToken', page[page.length - 1]) : ''
    }${contents}${[...common].map((p) => `<CommonPrefixes>${tag('Prefix', p)}</CommonPrefixes>`).join('')}</ListBucketResult>`;
  }

  private listVersions(b: Bucket, name: string, q: URLSearchParams): string {
    const prefix = q.get('prefix') ?? '';
    const keyMarker = q.get('key-marker') ?? '';
    const versionMarker = q.get('version-id-marker') ?? '';
    const max = Math.min(Number(q.get('max-keys') ?? this.maxKeys), this.maxKeys);
    const entries: { key: string; v: StoredVersion; latest: boolean }[] = [];
    for (const k of this.sortedKeys(b, prefix)) {
      if (k < keyMarker) continue;
      const list = b.objects.get(k)!;
      const newestFirst = [...list].reverse();
      let start = 0;
      if (k === keyMarker) {
        if (!versionMarker) continue;
        start = newestFirst.findIndex((v) => v.versionId === versionMarker) + 1;
      }
      newestFirst.slice(start).forEach((v) => entries.push({ key: k, v, latest: v === list[list.length - 1] }));
      if (entries.length > max) break;
    }
    const page = entries.slice(0, max);
    const truncated = entries.length > max;
    const last = page[page.length - 1];
    const items = page
      .map(({ key, v, latest }) =>
        v.deleteMarker
          ? `<DeleteMarker>${tag('Key', key)}${tag('VersionId', v.versionId)}${tag('IsLatest', latest)}${tag('LastModified', v.lastModified.toISOString())}</DeleteMarker>`
          : `<Version>${tag('Key', key)}${tag('VersionId', v.versionId)}${tag('IsLatest', latest)}${tag('LastModified', v.lastModified.toISOString())}${tag('ETag', v.etag)}${tag('Size', v.body.length)}${tag('StorageClass', 'STANDARD')}</Version>`,
      )
      .join('');
    return `<ListVersionsResult>${tag('Name', name)}${tag('Prefix', prefix)}${tag('KeyMarker', keyMarker)}${tag('VersionIdMarker', versionMarker)}${tag('MaxKeys', max)}${tag('IsTruncated', truncated)}${
      truncated ? tag('NextKeyMarker', last.key) + tag('NextVersionIdMarker', last.v.versionId) : ''
    }${items}</ListVersionsResult>`;
  }
}

/** Decode an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>\r\n\r\n`). */
function decodeAwsChunked(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(raw.subarray(at, eol).toString().split(';')[0], 16);
    if (!size) break;
    out.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
