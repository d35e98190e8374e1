import { randomInt } from 'crypto';
import { S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { AuditLogWriter, ChainForkError } from '../runtime/audit/writer';
import { DEFAULT_DATABASE_PORT, HANDLER_ENV } from '../baseline/contract';

/** A job on the work queue. Jobs carry ids, never PHI: the data stays in the database. */
export interface Job {
  readonly jobId: string;
  readonly tenantId: string;
  readonly type: 'reindex' | 'export' | 'purge';
  readonly recordId: string;
}

const TYPES: ReadonlySet<string> = new Set(['reindex', 'export', 'purge']);
const ID = /^[A-Za-z0-9_-]{1,128}$/;
const TENANT = /^[a-z][a-z0-9]{2,31}$/;

/** Parse and validate a message body; throws with the field that is wrong. */
export function parseJob(body: string): Job {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new Error('body is not JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw new Error('body is not a JSON object');
  const o = raw as Record<string, unknown>;
  if (typeof o.jobId !== 'string' || !ID.test(o.jobId)) throw new Error('jobId must be 1-128 characters of [A-Za-z0-9_-]');
  if (typeof o.tenantId !== 'string' || !TENANT.test(o.tenantId)) throw new Error('tenantId is not a valid tenant id');
  if (typeof o.type !== 'string' || !TYPES.has(o.type)) throw new Error(`type must be one of ${[...TYPES].join(', ')}`);
  if (typeof o.recordId !== 'string' || !ID.test(o.recordId)) throw new Error('recordId must be 1-128 characters of [A-Za-z0-9_-]');
  return { jobId: o.jobId, tenantId: o.tenantId, type: o.type as Job['type'], recordId: o.recordId };
}

interface DbEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Database endpoint, from the environment (an address, not a secret). The consumer never reads the master
 * secret: it acts for one tenant at a time, assuming the tenant's role and connecting as the tenant's login
 * (`tenant_<id>`) with an IAM authentication token, which that role alone may request (rds-db:connect).
 */
function databaseEndpoint(): DbEndpoint {
  const host = process.env[HANDLER_ENV.dbHost];
  if (!host) throw new Error(`${HANDLER_ENV.dbHost} is not set`);
  return { host, port: Number(process.env[HANDLER_ENV.dbPort] ?? DEFAULT_DATABASE_PORT) };
}

/** The database login a job of this tenant uses (IAM-authenticated, created by the tenant provisioner). */
export const tenantLogin = (tenantId: string) => `tenant_${tenantId}`;

/** Where the consumer's audit records go: the WORM audit bucket under the audit key. */
export interface AuditTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly kmsKeyId: string;
  /**
   * This container's writer id, `consumer-<slot>`: a bounded set of chains per tenant (one per concurrency slot),
   * not one per cold start. Two containers on the same slot share the chain safely: the writer's conditional PUT
   * detects the other's batch and re-links after it.
   */
  readonly writerId: string;
}

/** The writer id for a slot drawn from `slots` (the consumer's reserved concurrency). */
export function slotWriterId(slots: string | undefined, draw: (n: number) => number = randomInt): string {
  const n = Number(slots);
  if (slots === undefined || !/^\d+$/.test(slots) || !Number.isSafeInteger(n) || n < 1 || n > 1000)
    throw new Error(
      `${HANDLER_ENV.auditWriterSlots} is ${JSON.stringify(slots)}: it must be an integer from 1 to 1000 (the consumer's reserved concurrency)`,
    );
  return `consumer-${draw(n)}`;
}

function auditTargetFromEnvironment(): AuditTarget {
  const bucket = process.env[HANDLER_ENV.auditBucket];
  const kmsKeyId = process.env[HANDLER_ENV.auditKeyArn];
  if (!bucket) throw new Error(`${HANDLER_ENV.auditBucket} is not set`);
  if (!kmsKeyId) throw new Error(`${HANDLER_ENV.auditKeyArn} is not set`);
  return { s3: new S3Client({}), bucket, kmsKeyId, writerId: slotWriterId(process.env[HANDLER_ENV.auditWriterSlots]) };
}

/**
 * Consumes the work queue. Each message is validated; a bad or failed message is reported back alone
 * (partial batch response), so SQS retries only it and, after the redrive limit, moves it to the
 * dead-letter queue. Every accepted job leaves an audit record in its tenant's hash chain in the WORM audit
 * bucket; a job counts as done only once that record is stored (otherwise it is reported back and retried).
 * Logs carry job ids only, never message bodies.
 */
export function consumer(audit: () => AuditTarget): (event: SQSEvent) => Promise<SQSBatchResponse> {
  let target: AuditTarget | undefined;
  const writers = new Map<string, AuditLogWriter>();
  const writerFor = async (tenant: string): Promise<AuditLogWriter> => {
    target ??= audit();
    let w = writers.get(tenant);
    if (!w) {
      w = new AuditLogWriter({ s3: target.s3, bucket: target.bucket, kmsKeyId: target.kmsKeyId, tenant, writerId: target.writerId });
      await w.open();
      writers.set(tenant, w);
    }
    return w;
  };
  return async (event) => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    const db = databaseEndpoint();
    const pending = new Map<string, string[]>();
    for (const record of event.Records) {
      try {
        const job = parseJob(record.body);
        console.log(
          JSON.stringify({
            level: 'info',
            msg: 'job accepted',
            jobId: job.jobId,
            type: job.type,
            tenantId: job.tenantId,
            dbHost: db.host,
            dbUser: tenantLogin(job.tenantId),
          }),
        );
        const writer = await writerFor(job.tenantId);
        writer.append({
          actor: 'work-queue-consumer',
          action: `job.${job.type}`,
          resource: `record/${job.recordId}`,
          tenant: job.tenantId,
          time: new Date().toISOString(),
          // Processed inside the function: there is no client address.
          sourceIp: '127.0.0.1',
          userAgent: 'hipaa-stack queue-consumer',
          outcome: 'success',
          requestId: job.jobId,
        });
        pending.set(job.tenantId, [...(pending.get(job.tenantId) ?? []), record.messageId]);
      } catch (e) {
        console.log(JSON.stringify({ level: 'warn', msg: 'job rejected', messageId: record.messageId, reason: (e as Error).message }));
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    for (const [tenant, messageIds] of pending) {
      try {
        await writers.get(tenant)!.flush();
      } catch (e) {
        // Not confirmed: every job of this tenant in the batch goes back to the queue. A fresh writer re-reads
        // the chain on the next delivery, so nothing stored twice is trusted twice.
        writers.delete(tenant);
        // Another container kept winning this slot's chain: draw a slot again for the next writers.
        if (e instanceof ChainForkError) target = undefined;
        console.log(JSON.stringify({ level: 'error', msg: 'audit write failed', tenantId: tenant, reason: (e as Error).message }));
        for (const id of messageIds) failures.push({ itemIdentifier: id });
      }
    }
    return { batchItemFailures: failures };
  };
}

/** The Lambda entry point: audit records go to AUDIT_BUCKET under AUDIT_KEY_ARN. */
export const handler = consumer(auditTargetFromEnvironment);
