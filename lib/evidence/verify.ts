import * as fs from 'fs';
import * as path from 'path';
import { bindBehaviourResults, BehaviourBinding } from '../behaviour/results';
import { readStackTemplates, sha256File } from './assembly';
import { EVIDENCE_DIR, oscalFiles, readEvidence } from './write';

export interface VerifyResult {
  readonly ok: boolean;
  readonly checked: number;
  readonly problems: string[];
  /** Whether the permission-evaluation results of CI are present and computed from these templates. */
  readonly behaviourResults: BehaviourBinding;
}

/** How CloudFormation templates are named in a cloud assembly (stacks and nested stacks). */
const TEMPLATE_FILE = /\.template\.json$/;

/**
 * Every template file under an assembly directory, relative to it: the manifest's stacks are found through the
 * manifest, but a template copied into the directory, or a nested stack's template, is not in the manifest's
 * stack list. The evidence pack's own folder is not searched.
 */
export function templateFilesIn(assemblyDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (path.relative(assemblyDir, p) !== EVIDENCE_DIR) walk(p);
      } else if (e.isFile() && TEMPLATE_FILE.test(e.name)) out.push(path.relative(assemblyDir, p));
    }
  };
  walk(assemblyDir);
  return out.sort();
}

/**
 * Recompute the SHA-256 of every template in the cloud assembly and confirm the evidence pack describes
 * exactly those templates: none changed, none missing, none added (in the manifest or anywhere in the directory).
 */
export function verifyEvidence(assemblyDir: string): VerifyResult {
  const evidence = readEvidence(assemblyDir);
  const actual = new Map(readStackTemplates(assemblyDir).map((t) => [t.file, t.sha256]));
  for (const file of templateFilesIn(assemblyDir)) if (!actual.has(file)) actual.set(file, sha256File(path.join(assemblyDir, file)));
  const recorded = new Map(evidence.provenance.templates.map((t) => [t.file, t.sha256]));
  const problems: string[] = [];
  for (const [file, sha] of recorded) {
    const now = actual.get(file);
    if (now === undefined) problems.push(`missing: ${file} is in the evidence but not in the assembly`);
    else if (now !== sha) problems.push(`modified: ${file} has SHA-256 ${now}, the evidence recorded ${sha}`);
  }
  for (const file of actual.keys())
    if (!recorded.has(file)) problems.push(`added: ${file} is in the assembly but not described by the evidence`);
  // The OSCAL documents are generated from evidence.json alone: regenerated, they must be the same bytes.
  for (const [name, content] of Object.entries(oscalFiles(evidence))) {
    const file = path.join(assemblyDir, EVIDENCE_DIR, name);
    if (!fs.existsSync(file)) problems.push(`missing: ${EVIDENCE_DIR}/${name} (OSCAL) is not in the evidence pack`);
    else if (fs.readFileSync(file, 'utf8') !== content)
      problems.push(`modified: ${EVIDENCE_DIR}/${name} (OSCAL) does not match evidence.json`);
  }
  // Absent results are said, not an error; results computed from other templates are.
  const behaviourResults = bindBehaviourResults(assemblyDir, evidence.provenance.templates);
  problems.push(...behaviourResults.problems);
  return { ok: problems.length === 0, checked: recorded.size, problems, behaviourResults };
}
