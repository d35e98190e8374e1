import { DescribeOrderableDBInstanceOptionsCommand, OrderableDBInstanceOption } from '@aws-sdk/client-rds';
import { resourcesOfType } from '../deployment';
import { errorRow } from '../errors';
import { Check, CheckResult } from '../types';

/** Template properties of a DB instance that must be supported by the orderable option. */
const FEATURES: { prop: string; flag: keyof OrderableDBInstanceOption; what: string }[] = [
  { prop: 'StorageEncrypted', flag: 'SupportsStorageEncryption', what: 'storage encryption' },
  { prop: 'MultiAZ', flag: 'MultiAZCapable', what: 'Multi-AZ' },
  { prop: 'EnableIAMDatabaseAuthentication', flag: 'SupportsIAMDatabaseAuthentication', what: 'IAM database authentication' },
  { prop: 'EnablePerformanceInsights', flag: 'SupportsPerformanceInsights', what: 'Performance Insights' },
];

/**
 * Each DB instance's engine, version and class can be created in its region (RDS stops creating old minor
 * versions, and not every class is offered everywhere), with the features the template turns on.
 */
export const checkRdsOrderable: Check = async ({ deployment, clients }) => {
  const rows: CheckResult[] = [];
  for (const { stack, logicalId, resource } of resourcesOfType(deployment, 'AWS::RDS::DBInstance')) {
    const p = resource.Properties ?? {};
    const { Engine: engine, EngineVersion: version, DBInstanceClass: instanceClass } = p;
    const check = `rds ${stack.region} ${logicalId}`;
    if (typeof engine !== 'string' || typeof version !== 'string' || typeof instanceClass !== 'string') {
      rows.push({
        check,
        result: 'warn',
        finding: 'engine, version or class is computed at deploy time: not checked',
        action: 'check them by hand',
      });
      continue;
    }
    const what = `${engine} ${version} on ${instanceClass}`;
    try {
      const rds = clients.rds(stack.region);
      const options =
        (
          await rds.send(
            new DescribeOrderableDBInstanceOptionsCommand({
              Engine: engine,
              EngineVersion: version,
              DBInstanceClass: instanceClass,
              Vpc: true,
            }),
          )
        ).OrderableDBInstanceOptions ?? [];
      if (options.length === 0) {
        // Tell apart "this version is no longer created" from "this class is not offered with it".
        const anyClass =
          (
            await rds.send(
              new DescribeOrderableDBInstanceOptionsCommand({ Engine: engine, EngineVersion: version, Vpc: true, MaxRecords: 20 }),
            )
          ).OrderableDBInstanceOptions ?? [];
        rows.push({
          check,
          result: 'fail',
          finding:
            anyClass.length === 0
              ? `RDS in ${stack.region} no longer creates ${engine} ${version}`
              : `${instanceClass} is not offered for ${engine} ${version} in ${stack.region}`,
          action:
            anyClass.length === 0
              ? `choose a current version (aws rds describe-db-engine-versions --engine ${engine} --region ${stack.region}) and set database.engineVersion`
              : `choose another class (aws rds describe-orderable-db-instance-options --engine ${engine} --engine-version ${version} --region ${stack.region}) and set database.instanceClass`,
        });
        continue;
      }
      const missing = FEATURES.filter((f) => p[f.prop] === true && !options.some((o) => o[f.flag] === true)).map((f) => f.what);
      rows.push(
        missing.length > 0
          ? {
              check,
              result: 'fail',
              finding: `${what} does not support ${missing.join(', ')}`,
              action: 'choose another instance class (database.instanceClass)',
            }
          : { check, result: 'pass', finding: `${what} is orderable in ${stack.region}`, action: '' },
      );
    } catch (e) {
      rows.push(errorRow(check, 'rds:DescribeOrderableDBInstanceOptions', e));
    }
  }
  return rows;
};
