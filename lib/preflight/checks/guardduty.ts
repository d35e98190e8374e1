import { ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { groupBy, resourcesOfType } from '../deployment';
import { errorRow } from '../errors';
import { Check, CheckResult } from '../types';

/**
 * GuardDuty allows one detector per account and region: creating `AWS::GuardDuty::Detector` where one
 * exists (often made by AWS Organizations' delegated administrator or Control Tower) fails the stack.
 * Read from the templates, so the check follows wherever the stacks put detectors. Where the templates
 * make none (config guardDuty.enabled false), one is expected to exist already.
 */
export const checkGuardDuty: Check = async ({ deployment, clients, config }) => {
  const detectors = resourcesOfType(deployment, 'AWS::GuardDuty::Detector');
  const byRegion = groupBy(detectors, (d) => d.stack.region);
  const rows: CheckResult[] = [];
  for (const [region, ds] of byRegion) {
    const check = `guardduty ${region}`;
    try {
      const existing = (await clients.guardDuty(region).send(new ListDetectorsCommand({}))).DetectorIds ?? [];
      if (existing.length > 0) {
        rows.push({
          check,
          result: 'fail',
          finding: `a detector already exists (${existing.join(', ')}); ${ds[0].stack.stackName} creates another, which GuardDuty refuses`,
          action: 'keep the existing detector (org-managed ones usually are): set "guardDuty": { "enabled": false } in the config',
        });
      } else rows.push({ check, result: 'pass', finding: `no detector yet; ${ds[0].stack.stackName} creates it`, action: '' });
    } catch (e) {
      rows.push(errorRow(check, 'guardduty:ListDetectors', e));
    }
  }
  if (detectors.length === 0) {
    const region = config.region;
    const check = `guardduty ${region}`;
    try {
      const existing = (await clients.guardDuty(region).send(new ListDetectorsCommand({}))).DetectorIds ?? [];
      rows.push(
        existing.length > 0
          ? {
              check,
              result: 'pass',
              finding: `the templates create no detector; the existing one (${existing.join(', ')}) covers threat detection`,
              action: '',
            }
          : {
              check,
              result: 'warn',
              finding: 'the templates create no detector and none exists: no threat detection (HIPAA 164.308(a)(1)(ii)(D))',
              action: 'enable GuardDuty (set "guardDuty": { "enabled": true }, or through your organization)',
            },
      );
    } catch (e) {
      rows.push(errorRow(check, 'guardduty:ListDetectors', e));
    }
  }
  return rows;
};
