import { DeploymentConfig } from '../config/schema';
import { AwsClients } from './clients';
import { Deployment } from './deployment';

/** pass: ready; warn: deploys, but read the note; fail: the first deploy would fail; error: could not check. */
export type Outcome = 'pass' | 'warn' | 'fail' | 'error';

/** One row of the preflight table. */
export interface CheckResult {
  /** What was checked, and where (`bootstrap us-west-2`). */
  readonly check: string;
  readonly result: Outcome;
  /** What was found. */
  readonly finding: string;
  /** What to do about it (empty when nothing). */
  readonly action: string;
}

/** What every check gets: the deployment read from the assembly, the config, the caller's account and the clients. */
export interface PreflightContext {
  readonly deployment: Deployment;
  readonly config: DeploymentConfig;
  /** The account the credentials belong to (from STS). */
  readonly account: string;
  readonly clients: AwsClients;
}

/** A check: reads from AWS (never writes) and returns one or more rows. */
export type Check = (ctx: PreflightContext) => Promise<CheckResult[]>;

/** Credentials or region missing: the whole run cannot start (exit code 2). */
export class PreflightSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightSetupError';
  }
}
