/**
 * How much Lambda concurrency a deployment reserves, and the account quota it therefore needs: one function
 * computes it for the config help, the docs and the preflight message, so they cannot disagree.
 *
 * Lambda keeps part of the regional concurrency quota unreserved for functions without a limit: "You can
 * reserve up to the Unreserved account concurrency value that is shown, minus 100"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
 */
import { SEALER_RESERVED_CONCURRENCY } from '../baseline/thresholds';

export const MIN_UNRESERVED_CONCURRENCY = 100;

export { SEALER_RESERVED_CONCURRENCY };

/** The configurable reservations (`workers.reservedConcurrency`). */
export interface ReservedConcurrencyConfig {
  readonly api: number;
  readonly consumer: number;
  readonly tenantDatabaseProvisioner: number;
}

/** The defaults of `workers.reservedConcurrency` (the config schema uses them). */
export const DEFAULT_RESERVED_CONCURRENCY: ReservedConcurrencyConfig = { api: 4, consumer: 4, tenantDatabaseProvisioner: 2 };

/** Every function of the primary region that reserves concurrency, with its reservation. */
export function reservations(c: ReservedConcurrencyConfig): Array<{ readonly name: string; readonly reserved: number }> {
  return [
    { name: 'api', reserved: c.api },
    { name: 'consumer', reserved: c.consumer },
    { name: 'tenantDatabaseProvisioner', reserved: c.tenantDatabaseProvisioner },
    { name: 'audit checkpoint sealer', reserved: SEALER_RESERVED_CONCURRENCY },
  ];
}

/** The smallest "Concurrent executions" quota in the primary region that lets a first deploy reserve all of them. */
export function requiredConcurrencyQuota(c: ReservedConcurrencyConfig): number {
  return MIN_UNRESERVED_CONCURRENCY + reservations(c).reduce((n, r) => n + r.reserved, 0);
}

/** The same, spelled out: `100 + 4 (api) + 4 (consumer) + 2 (tenantDatabaseProvisioner) + 1 (audit checkpoint sealer) = 111`. */
export function concurrencyQuotaExplained(c: ReservedConcurrencyConfig): string {
  return `${MIN_UNRESERVED_CONCURRENCY} + ${reservations(c)
    .map((r) => `${r.reserved} (${r.name})`)
    .join(' + ')} = ${requiredConcurrencyQuota(c)}`;
}
