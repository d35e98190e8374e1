import type { ALBEvent, ALBResult } from 'aws-lambda';

const STARTED_AT = new Date().toISOString();

/** Security headers on every response (HSTS is also set by the load balancer listener). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

function respond(statusCode: number, body: unknown, statusDescription: string): ALBResult {
  return { statusCode, statusDescription, isBase64Encoded: false, headers: { ...SECURITY_HEADERS }, body: JSON.stringify(body) };
}

/**
 * The load balancer's target: `GET /health` answers liveness for the target-group health check;
 * everything else is 404 (no PHI is served by this worker). Method other than GET/HEAD: 405.
 */
export function handler(event: ALBEvent): Promise<ALBResult> {
  if (event.httpMethod !== 'GET' && event.httpMethod !== 'HEAD') {
    return Promise.resolve(respond(405, { error: 'method not allowed' }, '405 Method Not Allowed'));
  }
  if (event.path === '/health') {
    return Promise.resolve(respond(200, { status: 'ok', startedAt: STARTED_AT, region: process.env.AWS_REGION ?? 'unknown' }, '200 OK'));
  }
  return Promise.resolve(respond(404, { error: 'not found' }, '404 Not Found'));
}
