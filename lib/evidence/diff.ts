import { ControlStatus, Evidence } from './schema';

const RANK: Record<ControlStatus, number> = { met: 0, 'met-with-accepted-finding': 1, 'not-met': 2 };

/** Values where a smaller number is a weaker control. */
const STRENGTH_KEYS = new Set([
  'objectLockYears',
  'retentionDays',
  'backupRetentionDays',
  'lockMinRetentionDays',
  'deletionWindowDays',
  'keepDays',
  'reservedConcurrency',
]);

export interface EvidenceDiff {
  /**
   * Changes a deploy cannot take back (or that fail the stack update): Object Lock mode or years, Vault Lock
   * settings, a shorter backup or RDS backup retention, a key or a locked bucket or vault removed.
   */
  readonly irreversible: string[];
  readonly weakened: string[];
  readonly strengthened: string[];
  readonly changed: string[];
  readonly findingsAccepted: string[];
  readonly findingsRemoved: string[];
  readonly resourcesAdded: string[];
  readonly resourcesRemoved: string[];
}

const resourceKey = (r: { stack: string; logicalId: string; type: string }) => `${r.stack}/${r.logicalId} (${r.type})`;

/** Per control, the values whose change cannot be undone after deploy, and why. */
const IRREVERSIBLE_VALUES: Record<string, Record<string, { readonly when: 'any' | 'decrease'; readonly why: string }>> = {
  'audit-worm': {
    objectLockMode: {
      when: 'any',
      why: 'objects already written keep their COMPLIANCE lock; nobody can shorten or remove it, and new objects get the new mode',
    },
    objectLockYears: {
      when: 'any',
      why: 'objects already written keep their retain-until date (COMPLIANCE: it cannot be shortened); only new objects get the new years',
    },
  },
  'backups-locked': {
    lockMinRetentionDays: { when: 'any', why: 'Vault Lock is immutable once its grace time has passed: the stack update fails' },
    lockMaxRetentionDays: { when: 'any', why: 'Vault Lock is immutable once its grace time has passed: the stack update fails' },
    lockChangeableForDays: { when: 'any', why: 'Vault Lock is immutable once its grace time has passed: the stack update fails' },
  },
  'database-recovery': {
    backupRetentionDays: { when: 'decrease', why: 'RDS deletes the automated backups older than the new window at once' },
  },
};

/** Controls whose resources, once removed, take data or its protection with them. */
const IRREVERSIBLE_REMOVALS: Record<string, string> = {
  'kms-customer-keys': 'the key is scheduled for deletion: whatever it encrypted becomes unreadable when the window ends',
  'audit-worm':
    'a locked bucket cannot be emptied before its retention ends; the stack keeps it (Retain) but nothing protects it as configured',
  'backups-locked': 'a locked vault and its recovery points cannot be deleted before their retention ends',
};

/** Backup plan rules compared rule by rule: a shorter keep or copy retention deletes recovery points earlier. */
function backupPlanShortened(before: unknown, after: unknown): string[] {
  type Rule = { schedule?: string; keepDays?: number; copies?: (number | undefined)[] };
  const [b, a] = [(before ?? []) as Rule[], (after ?? []) as Rule[]];
  const out: string[] = [];
  a.forEach((r, i) => {
    const o = b[i];
    if (!o) return;
    if (typeof o.keepDays === 'number' && typeof r.keepDays === 'number' && r.keepDays < o.keepDays)
      out.push(`rule ${i + 1} keepDays ${o.keepDays} -> ${r.keepDays}`);
    (r.copies ?? []).forEach((c, j) => {
      const oc = o.copies?.[j];
      if (typeof oc === 'number' && typeof c === 'number' && c < oc) out.push(`rule ${i + 1} copy ${j + 1} keepDays ${oc} -> ${c}`);
    });
  });
  return out;
}

/** What changed between two evidence packs, for code review. */
export function diffEvidence(before: Evidence, after: Evidence): EvidenceDiff {
  const d: EvidenceDiff = {
    irreversible: [],
    weakened: [],
    strengthened: [],
    changed: [],
    findingsAccepted: [],
    findingsRemoved: [],
    resourcesAdded: [],
    resourcesRemoved: [],
  };
  const old = new Map(before.controls.map((c) => [c.id, c]));
  const now = new Map(after.controls.map((c) => [c.id, c]));
  for (const [id, c] of now) {
    const o = old.get(id);
    if (!o) {
      d.strengthened.push(`${id}: new control (${c.status})`);
      continue;
    }
    if (RANK[c.status] > RANK[o.status]) d.weakened.push(`${id}: ${o.status} -> ${c.status}`);
    if (RANK[c.status] < RANK[o.status]) d.strengthened.push(`${id}: ${o.status} -> ${c.status}`);
    const oldRes = new Map(o.resources.map((r) => [resourceKey(r), r]));
    const newKeys = new Set(c.resources.map(resourceKey));
    if (IRREVERSIBLE_REMOVALS[id])
      for (const k of oldRes.keys()) if (!newKeys.has(k)) d.irreversible.push(`${id} ${k} removed: ${IRREVERSIBLE_REMOVALS[id]}`);
    for (const r of c.resources) {
      const prev = oldRes.get(resourceKey(r));
      if (!prev) continue;
      if (id === 'backups-locked' && r.type === 'AWS::Backup::BackupPlan')
        for (const x of backupPlanShortened(prev.values.rules, r.values.rules))
          d.irreversible.push(
            `${id} ${resourceKey(r)} ${x}: recovery points already taken keep the old retention, new ones are deleted sooner`,
          );
      for (const [k, v] of Object.entries(r.values)) {
        const pv = prev.values[k];
        if (JSON.stringify(pv) === JSON.stringify(v)) continue;
        const line = `${id} ${resourceKey(r)} ${k}: ${JSON.stringify(pv)} -> ${JSON.stringify(v)}`;
        const irr = IRREVERSIBLE_VALUES[id]?.[k];
        if (irr && (irr.when === 'any' || (typeof pv === 'number' && typeof v === 'number' && v < pv)))
          d.irreversible.push(`${line}: ${irr.why}`);
        if (STRENGTH_KEYS.has(k) && typeof pv === 'number' && typeof v === 'number') (v < pv ? d.weakened : d.strengthened).push(line);
        else d.changed.push(line);
      }
    }
  }
  for (const [id, o] of old) {
    if (now.has(id)) continue;
    d.weakened.push(`${id}: control removed`);
    if (IRREVERSIBLE_REMOVALS[id])
      for (const r of o.resources) d.irreversible.push(`${id} ${resourceKey(r)} removed: ${IRREVERSIBLE_REMOVALS[id]}`);
  }
  const f = (e: Evidence) => new Set(e.acceptedFindings.map((a) => `${a.rule} at ${a.path}`));
  const [fb, fa] = [f(before), f(after)];
  d.findingsAccepted.push(...[...fa].filter((x) => !fb.has(x)));
  d.findingsRemoved.push(...[...fb].filter((x) => !fa.has(x)));
  const res = (e: Evidence) => new Set((e.controls.find((c) => c.id === 'eligible-services')?.resources ?? []).map(resourceKey));
  const [rb, ra] = [res(before), res(after)];
  d.resourcesAdded.push(...[...ra].filter((x) => !rb.has(x)));
  d.resourcesRemoved.push(...[...rb].filter((x) => !ra.has(x)));
  return d;
}

export function formatDiff(d: EvidenceDiff): string {
  const part = (title: string, xs: string[]) => (xs.length ? [`${title} (${xs.length}):`, ...xs.map((x) => `  ${x}`)] : []);
  const lines = [
    ...part('IRREVERSIBLE: cannot be undone after deploy (or fails the update); review before cdk deploy', d.irreversible),
    ...part('Controls weakened', d.weakened),
    ...part('Controls strengthened', d.strengthened),
    ...part('Values changed', d.changed),
    ...part('Findings accepted', d.findingsAccepted),
    ...part('Accepted findings removed', d.findingsRemoved),
    ...part('Resources added', d.resourcesAdded),
    ...part('Resources removed', d.resourcesRemoved),
  ];
  return lines.length ? lines.join('\n') : 'No differences.';
}
