/**
 * hipaa-stack as a library: the constructs, the compliance gate and the evidence pack for any CDK app.
 * Entry points: `hipaa-stack/constructs`, `hipaa-stack/gate`, `hipaa-stack/evidence`, `hipaa-stack/runtime`.
 */
export * from '../constructs';
export * from './compliance';
