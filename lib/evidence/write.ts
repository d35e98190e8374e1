import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { OSCAL_ASSESSMENT_RESULTS_FILE, OSCAL_COMPONENT_DEFINITION_FILE, oscalAssessmentResults, oscalComponentDefinition } from './oscal';
import { renderHtml, renderMarkdown } from './render';
import { Evidence, evidenceSchema } from './schema';

/** Folder of the evidence pack inside the cloud assembly. */
export const EVIDENCE_DIR = 'evidence';

/** The commit of a git working tree and whether it had uncommitted changes; nulls outside git. */
export function gitState(cwd: string): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** The OSCAL documents of an evidence pack, as written (generated from evidence.json alone, so reproducible). */
export function oscalFiles(evidence: Evidence): Record<string, string> {
  return {
    [OSCAL_COMPONENT_DEFINITION_FILE]: JSON.stringify(oscalComponentDefinition(evidence), undefined, 2) + '\n',
    [OSCAL_ASSESSMENT_RESULTS_FILE]: JSON.stringify(oscalAssessmentResults(evidence), undefined, 2) + '\n',
  };
}

/**
 * Write evidence.json (validated against its schema), evidence.schema.json, index.html, index.md and the OSCAL
 * component definition and assessment results into
 * `<assemblyDir>/evidence/`. Files are written beside and renamed into place, so a reader never sees a
 * half-written pack.
 */
export function writeEvidencePack(assemblyDir: string, evidence: Evidence): string {
  const checked = evidenceSchema.parse(evidence);
  const dir = path.join(assemblyDir, EVIDENCE_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    'evidence.json': JSON.stringify(checked, undefined, 2) + '\n',
    'evidence.schema.json': JSON.stringify(z.toJSONSchema(evidenceSchema), undefined, 2) + '\n',
    'index.html': renderHtml(checked),
    'index.md': renderMarkdown(checked),
    ...oscalFiles(checked),
  };
  for (const [name, content] of Object.entries(files)) {
    const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, path.join(dir, name));
  }
  return dir;
}

/** Read and validate an evidence.json (a file, or a cloud assembly directory holding evidence/evidence.json). */
export function readEvidence(location: string): Evidence {
  const file =
    fs.existsSync(location) && fs.statSync(location).isDirectory() ? path.join(location, EVIDENCE_DIR, 'evidence.json') : location;
  if (!fs.existsSync(file)) throw new Error(`no evidence pack at ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const parsed = evidenceSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `${file} does not match the evidence schema: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}
