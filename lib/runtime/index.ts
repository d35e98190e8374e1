/** Runtime tools: the tamper-evident audit log, live verification, crypto-shredding of a tenant. */
export * from './audit/record';
export * from './audit/verify-chain';
export * from './audit/verify-s3';
export * from './audit/writer';
export * from './live-verify';
export * from './offboard-tenant';
