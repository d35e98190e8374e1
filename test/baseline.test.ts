import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ALLOWED_TLS_POLICIES, HSTS_MIN_MAX_AGE_SECONDS } from '../constructs/tls-only-load-balancer';
import { MIN_LOG_RETENTION_DAYS } from '../constructs/encrypted-log-group';
import { daysCoveringYears as constructsDaysCoveringYears } from '../constructs/worm-audit-bucket';
import { DEPLOYED_STACK_NAME, STACK_IDS, tenantStackId } from '../lib/baseline/contract';
import { addCalendarYears, daysCover, daysCoveringYears, hoursCoveringYears, MS_PER_DAY } from '../lib/baseline/durations';
import { AUDIT_RETENTION_YEARS, rdsBackupRetentionDaysFor, THRESHOLDS, TLS } from '../lib/baseline/thresholds';
import * as fs from 'fs';
import * as path from 'path';
import { parseConfig } from '../lib/config/load';
import { auditLogRetentionDays, retentionHours } from '../lib/config/schema';

const defaultConfig = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'config', 'default.json'), 'utf8')) as Record<string, unknown>;

/** Whole days from `from` to the same date `years` calendar years later (UTC). */
const calendarDays = (from: Date, years: number) => Math.round((addCalendarYears(from, years).getTime() - from.getTime()) / MS_PER_DAY);

describe('years to days: one definition', () => {
  // Every start day of four centuries (1900-2299: the Gregorian cycle, with 1900 and 2100 not leap years).
  const starts: Date[] = [];
  for (let t = Date.UTC(1900, 0, 1); t < Date.UTC(2300, 0, 1); t += MS_PER_DAY) starts.push(new Date(t));

  test.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 25, 100])(
    'daysCoveringYears(%i) is never shorter than that many calendar years, and is the longest such span',
    (years) => {
      const longest = starts.reduce((max, d) => Math.max(max, calendarDays(d, years)), 0);
      expect(daysCoveringYears(years)).toBeGreaterThanOrEqual(longest);
      // Not one day more than needed: some start (1 March of the year before a leap year) needs every day of it.
      expect(daysCoveringYears(years)).toBe(longest);
      expect(daysCover(longest, years)).toBe(true);
      expect(daysCover(longest - 1, years)).toBe(false);
    },
  );

  test('known spans: 2023-03-01 + 7 years is 2557 days (two 29 Februaries), 2025-01-01 + 6 years is 2191 days', () => {
    expect(calendarDays(new Date(Date.UTC(2023, 2, 1)), 7)).toBe(2557);
    expect(calendarDays(new Date(Date.UTC(2024, 2, 1)), 7)).toBe(2556);
    expect(calendarDays(new Date(Date.UTC(2025, 0, 1)), 6)).toBe(2191);
    expect(daysCoveringYears(6)).toBe(2192);
    expect(daysCoveringYears(7)).toBe(2557);
  });

  test('29 February plus a year is 1 March (the later reading)', () => {
    expect(addCalendarYears(new Date('2024-02-29T12:00:00Z'), 1).toISOString()).toBe('2025-03-01T12:00:00.000Z');
    expect(addCalendarYears(new Date('2024-02-29T12:00:00Z'), 4).toISOString()).toBe('2028-02-29T12:00:00.000Z');
  });

  test('bad input is refused with the value', () => {
    expect(() => daysCoveringYears(6.5)).toThrow(/years 6.5 must be a whole number/);
    expect(() => daysCoveringYears(-1)).toThrow(/years -1/);
  });

  test('the constructs export the same function (public API), not a second formula', () => {
    expect(constructsDaysCoveringYears).toBe(daysCoveringYears);
  });

  test.each(Array.from({ length: AUDIT_RETENTION_YEARS.max - AUDIT_RETENTION_YEARS.min + 1 }, (_, i) => AUDIT_RETENTION_YEARS.min + i))(
    'audit years %i: the audit log groups keep a valid CloudWatch Logs retention that covers them',
    (years) => {
      const config = parseConfig({ ...defaultConfig, auditRetentionYears: years }, 'test.json');
      const days = auditLogRetentionDays(config);
      expect(Object.values(logs.RetentionDays).map(Number)).toContain(days);
      expect(days).toBe(daysCoveringYears(years));
    },
  );

  test('tenant retention in years uses the same conversion ("7y" is the hours of 2557 days)', () => {
    expect(retentionHours('7y')).toBe(hoursCoveringYears(7));
    expect(retentionHours('7y')).toBe(2557 * 24);
    expect(retentionHours('30d')).toBe(720);
  });
});

describe('thresholds: one table with references', () => {
  test.each(Object.entries(THRESHOLDS))('%s names its HIPAA section(s), NIST 800-53 rev5 controls and a reason', (_name, t) => {
    expect(t.hipaa.length).toBeGreaterThan(0);
    for (const s of t.hipaa) expect(s).toMatch(/^164\.3(08|10|12|16)\([a-z]\)/);
    expect(t.nist.length).toBeGreaterThan(0);
    for (const c of t.nist) expect(c).toMatch(/^[A-Z]{2}-\d+(\(\d+\))?$/);
    expect(t.why.length).toBeGreaterThan(20);
  });

  test('the legal minimum of audit retention is six years (45 CFR 164.316(b)(2)(i)) and the default covers it', () => {
    expect(AUDIT_RETENTION_YEARS.min).toBe(6);
    expect(AUDIT_RETENTION_YEARS.default).toBeGreaterThanOrEqual(AUDIT_RETENTION_YEARS.min);
    expect(AUDIT_RETENTION_YEARS.hipaa).toContain('164.316(b)(2)(i)');
  });

  test('every allowed TLS policy is an aws-cdk-lib SslPolicy, the first is the CDK recommended one, none admits TLS < 1.2', () => {
    const known = Object.values(elbv2.SslPolicy) as string[];
    for (const p of TLS.elbPolicies) {
      expect(known).toContain(p);
      expect(p).toMatch(/^ELBSecurityPolicy-TLS13-1-[23]-/);
    }
    expect(TLS.elbPolicies[0]).toBe(elbv2.SslPolicy.RECOMMENDED_TLS);
    expect(ALLOWED_TLS_POLICIES).toBe(TLS.elbPolicies);
    expect(HSTS_MIN_MAX_AGE_SECONDS).toBe(TLS.hstsMinMaxAgeSeconds);
    expect(MIN_LOG_RETENTION_DAYS).toBe(THRESHOLDS.logRetentionDays.min);
  });

  test('the RDS point-in-time window follows the backup retention up to the RDS maximum of 35 days', () => {
    expect(rdsBackupRetentionDaysFor(35)).toBe(35);
    expect(rdsBackupRetentionDaysFor(3650)).toBe(35);
  });
});

describe('contract: stack names shared with the runtime tools', () => {
  test('deployed stack names of every stack id (and tenant shards) match; others do not', () => {
    for (const id of [...Object.values(STACK_IDS), tenantStackId(0), tenantStackId(31)]) {
      expect(DEPLOYED_STACK_NAME.exec(`prod-${id}`)?.[1]).toBe('prod');
    }
    expect(DEPLOYED_STACK_NAME.test('prod-Other')).toBe(false);
    expect(DEPLOYED_STACK_NAME.test('Prod-Audit')).toBe(false);
  });
});
