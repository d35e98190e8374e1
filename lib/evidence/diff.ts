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
  readonly weakened: string[];
  readonly strengthened: string[];
  readonly changed: string[];
  readonly findingsAccepted: string[];
  readonly findingsRemoved: string[];
  readonly resourcesAdded: string[];
  readonly resourcesRemoved: string[];
}

const resourceKey = (r: { stack: string; logicalId: string; type: string }) => `${r.stack}/${r.logicalId} (${r.type})`;

/** What changed between two evidence packs, for code review. */
export function diffEvidence(before: Evidence, after: Evidence): EvidenceDiff {
  const d: EvidenceDiff = {
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
    for (const r of c.resources) {
      const prev = oldRes.get(resourceKey(r));
      if (!prev) continue;
      for (const [k, v] of Object.entries(r.values)) {
        const pv = prev.values[k];
        if (JSON.stringify(pv) === JSON.stringify(v)) continue;
        const line = `${id} ${resourceKey(r)} ${k}: ${JSON.stringify(pv)} -> ${JSON.stringify(v)}`;
        if (STRENGTH_KEYS.has(k) && typeof pv === 'number' && typeof v === 'number') (v < pv ? d.weakened : d.strengthened).push(line);
        else d.changed.push(line);
      }
    }
  }
  for (const id of old.keys()) if (!now.has(id)) d.weakened.push(`${id}: control removed`);
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
