import { ControlEvidence, Evidence } from './schema';

type Controls = Map<string, ControlEvidence>;

/** Numeric values of one key across a control's resources. */
function numbers(controls: Controls, control: string, key: string): number[] {
  return (controls.get(control)?.resources ?? []).map((r) => r.values[key]).filter((v): v is number => typeof v === 'number');
}

export interface ClaimDefinition {
  readonly id: string;
  readonly title: string;
  /** Controls that must be met (or met with an accepted finding) for the claim to be printed. */
  readonly controls: string[];
  /** The sentence, from template values; undefined when a value it needs is missing. */
  readonly text: (controls: Controls) => string | undefined;
  /** Leave the claim out (rather than show a gap) when its first control has no resource at all. */
  readonly onlyWhenPresent?: boolean;
}

const min = (xs: number[]) => (xs.length ? Math.min(...xs) : undefined);

/** Trust-center sentences, each generated from template values and tied to its evidence rows. */
export const CLAIMS: readonly ClaimDefinition[] = [
  {
    id: 'audit-retention',
    title: 'Audit records kept in write-once storage',
    controls: ['audit-worm', 'audit-trail'],
    text: (c) => {
      const years = min(numbers(c, 'audit-worm', 'objectLockYears'));
      return years === undefined
        ? undefined
        : `Audit records are kept ${years} years in write-once storage (S3 Object Lock in compliance mode): nobody, administrators included, can change or delete them before then.`;
    },
  },
  {
    id: 'tamper-evidence',
    title: 'Tamper-evident audit trail',
    controls: ['audit-trail'],
    text: () =>
      'Every API call in the account is recorded by a multi-region audit trail whose log files are digitally signed, so a change to any past record is detectable.',
  },
  {
    id: 'encryption-at-rest',
    title: 'Encryption at rest',
    controls: ['kms-customer-keys', 's3-encryption', 'database-encryption', 'messaging', 'log-retention'],
    text: () =>
      'Data at rest is encrypted with AES-256, under customer-managed keys that rotate every year for the database, files, queues and logs.',
  },
  {
    id: 'encryption-in-transit',
    title: 'Encryption in transit',
    controls: ['tls-edge', 'database-tls', 's3-tls-private'],
    text: (c) => {
      const hsts = (c.get('tls-edge')?.resources ?? [])
        .map((r) => /max-age=(\d+)/.exec(String(r.values.hsts ?? ''))?.[1])
        .filter(Boolean)
        .map(Number);
      const days = min(hsts);
      return days === undefined
        ? undefined
        : `Data in transit is encrypted with TLS 1.2 or newer: the service accepts HTTPS only and tells browsers to use nothing else for ${Math.floor(days / 86400)} days; the database and file storage refuse unencrypted connections.`;
    },
  },
  {
    id: 'point-in-time-recovery',
    title: 'Point-in-time recovery',
    controls: ['database-recovery'],
    text: (c) => {
      const days = min(numbers(c, 'database-recovery', 'backupRetentionDays'));
      return days === undefined
        ? undefined
        : `Database backups allow point-in-time recovery across ${days} days, and a standby in a second availability zone takes over on failure.`;
    },
  },
  {
    id: 'backups',
    title: 'Locked, off-region backups',
    controls: ['backups-locked'],
    text: (c) => {
      const days = min(numbers(c, 'backups-locked', 'lockMinRetentionDays'));
      return days === undefined
        ? undefined
        : `Backups are taken daily, kept at least ${days} days in vaults that nobody can empty early (AWS Backup Vault Lock), and copied to a second region.`;
    },
  },
  {
    id: 'private-workers',
    title: 'Private workers',
    controls: ['network-isolation', 'private-workers', 'database-private'],
    text: () =>
      'Application workers and the database run in private networks with no route to the internet; only the load balancer faces it, on HTTPS.',
  },
  {
    id: 'rate-limits',
    title: 'Rate limits and web application firewall',
    controls: ['edge-protection'],
    text: (c) => {
      const acl = (c.get('edge-protection')?.resources ?? []).find((r) => r.type === 'AWS::WAFv2::WebACL')?.values ?? {};
      const all = String(acl['rate-limit-all'] ?? '').split(' ')[0];
      const sensitive = String(acl['rate-limit-sensitive-paths'] ?? '').split(' ')[0];
      return all && sensitive
        ? `Requests are rate-limited per client address (${all} per five minutes; ${sensitive} on sign-in and verification pages) and filtered by AWS managed rules against common exploits and SQL injection.`
        : undefined;
    },
  },
  {
    id: 'tenant-isolation',
    title: 'Per-tenant isolation',
    controls: ['tenant-isolation', 'kms-customer-keys'],
    onlyWhenPresent: true,
    text: (c) => {
      const n = c.get('tenant-isolation')?.resources.length ?? 0;
      return n
        ? `Each customer's files sit under a prefix of their own, encrypted with a key of their own and reachable only from our private network through that customer's own access point (${n} customer${n === 1 ? '' : 's'}).`
        : undefined;
    },
  },
  {
    id: 'breach-alerts',
    title: 'Breach alerts',
    controls: ['breach-alerts', 'flow-logs', 'audit-trail'],
    text: () =>
      'Security events (root account use, denied API calls, changes to IAM, keys, the audit trail and the network, failed sign-ins) and threat-detection findings alert the security team within minutes.',
  },
];

/** The trust-center section: each claim stated when its controls hold, else the gap, stated plainly. */
export function trustCenter(controls: ControlEvidence[]): Evidence['trustCenter'] {
  const byId = new Map(controls.map((c) => [c.id, c]));
  return CLAIMS.filter((claim) => !claim.onlyWhenPresent || (byId.get(claim.controls[0])?.resources.length ?? 0) > 0).map((claim) => {
    const failing = claim.controls.filter((id) => (byId.get(id)?.status ?? 'not-met') === 'not-met');
    const text = failing.length ? undefined : claim.text(byId);
    return {
      id: claim.id,
      text: text ?? null,
      gap: text
        ? null
        : `Not stated: "${claim.title}". Control${failing.length === 1 ? '' : 's'} not met: ${failing.join(', ') || '(values missing from the templates)'}.`,
      controls: claim.controls,
    };
  });
}
