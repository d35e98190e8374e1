import { readStackTemplates } from './assembly';
import { readEvidence } from './write';

export interface VerifyResult {
  readonly ok: boolean;
  readonly checked: number;
  readonly problems: string[];
}

/**
 * Recompute the SHA-256 of every template in the cloud assembly and confirm the evidence pack describes
 * exactly those templates: none changed, none missing, none added.
 */
export function verifyEvidence(assemblyDir: string): VerifyResult {
  const evidence = readEvidence(assemblyDir);
  const actual = new Map(readStackTemplates(assemblyDir).map((t) => [t.file, t.sha256]));
  const recorded = new Map(evidence.provenance.templates.map((t) => [t.file, t.sha256]));
  const problems: string[] = [];
  for (const [file, sha] of recorded) {
    const now = actual.get(file);
    if (now === undefined) problems.push(`missing: ${file} is in the evidence but not in the assembly`);
    else if (now !== sha) problems.push(`modified: ${file} has SHA-256 ${now}, the evidence recorded ${sha}`);
  }
  for (const file of actual.keys())
    if (!recorded.has(file)) problems.push(`added: ${file} is in the assembly but not described by the evidence`);
  return { ok: problems.length === 0, checked: recorded.size, problems };
}
