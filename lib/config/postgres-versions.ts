/**
 * RDS for PostgreSQL engine versions that Amazon RDS still lets you CREATE a new instance on.
 *
 * RDS stops creating instances on a minor version about a month before that minor's end of standard
 * support, then upgrades running instances during their maintenance window. A config pinned to such a minor
 * synthesizes but fails at `cdk deploy` (issue 11: 16.4 was refused). The config accepts only the versions
 * below; this is the one place to change when RDS adds or retires a minor. How to update it:
 * docs/configuration-database.md.
 *
 * What the table rests on (checked 2026-12-04):
 * - AWS What's New, February 2026, "Amazon RDS for PostgreSQL supports minor versions 18.3, 17.9, 16.13,
 *   15.17 and 14.22" (https://aws.amazon.com/about-aws/whats-new/2026/02/rds-minor-version-18-3-17-9-16-13-15-17-14-22/),
 *   the newest RDS minors we could confirm; aws-cdk-lib 2.276's `PostgresEngineVersion` also ends at these.
 * - The AWS Health notice for RDS for PostgreSQL (as quoted on 2026-05-30): no new instances on 14.14-14.17,
 *   15.9-15.12, 16.5-16.8 and 17.1-17.4 from 1 May 2026 (end of standard support 31 May 2026); older
 *   minors of each major (16.4 included) had already been retired.
 * - Release calendar: https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html
 * RDS may have released newer minors since (the community ships one every quarter) that this table does not
 * list yet; `aws rds describe-db-engine-versions --engine postgres` in your region is the authority, and
 * `npm run preflight` checks the chosen version is orderable there.
 */
export const RDS_POSTGRES_VERSIONS_CHECKED_ON = '2026-12-04';

/** Where the table was checked (see the comment above for what each says). */
export const RDS_POSTGRES_VERSIONS_SOURCES: readonly string[] = [
  'https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html',
  'https://aws.amazon.com/about-aws/whats-new/2026/02/rds-minor-version-18-3-17-9-16-13-15-17-14-22/',
];

/**
 * Minor versions RDS creates, per major, oldest first. PostgreSQL 14 reaches community end of life in
 * November 2026 and RDS end of standard support in February 2027: kept so existing 14 configs still
 * synthesize, but a new deployment should not choose it.
 */
export const RDS_POSTGRES_MINORS: Readonly<Record<string, readonly number[]>> = {
  '14': [18, 19, 20, 21, 22],
  '15': [13, 14, 15, 16, 17],
  '16': [9, 10, 11, 12, 13],
  '17': [5, 6, 7, 8, 9],
  '18': [1, 2, 3],
};

/** Every `<major>.<minor>` in the table, e.g. `17.9`. */
export const RDS_POSTGRES_VERSIONS: readonly string[] = Object.entries(RDS_POSTGRES_MINORS).flatMap(([major, minors]) =>
  minors.map((m) => `${major}.${m}`),
);

/** The default: the newest PostgreSQL 17 minor in the table. */
export const DEFAULT_POSTGRES_VERSION = `17.${Math.max(...RDS_POSTGRES_MINORS['17'])}`;

/** The major version of a `<major>.<minor>` string (the parameter-group family is `postgres<major>`). */
export function postgresMajor(version: string): string {
  return version.split('.')[0];
}
