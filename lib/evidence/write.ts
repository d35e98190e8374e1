import { BEHAVIOUR_RESULTS_FILE } from '../behaviour/results';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { nestedAssemblyDirs, sha256 } from './assembly';
import { OSCAL_ASSESSMENT_RESULTS_FILE, OSCAL_COMPONENT_DEFINITION_FILE, oscalAssessmentResults, oscalComponentDefinition } from './oscal';
import { renderHtml, renderMarkdown } from './render';
import { Evidence, evidenceSchema } from './schema';

/** Folder of the evidence pack inside the cloud assembly. */
export const EVIDENCE_DIR = 'evidence';
/** The pack's manifest: SHA-256 of every other file of the pack, of every template and input it describes. */
export const MANIFEST_FILE = 'manifest.json';
export const EVIDENCE_FILE = 'evidence.json';

/** Most lines of `git status` kept in the provenance (the count of the rest is said). */
const MAX_DIRTY_LINES = 100;

export interface GitState {
  readonly commit: string | null;
  /** Null outside git. */
  readonly dirty: boolean | null;
  /** Why it is dirty: `git status --porcelain` lines, and used files git does not hold. */
  readonly dirtyFiles: string[];
}

/**
 * The commit of a git working tree and whether that commit alone reproduces the synth: tracked changes,
 * untracked files, or a file the synth used (`used`, e.g. the config file) that git ignores, does not track,
 * or that lies outside the repository all make it dirty. Nulls outside git.
 */
export function gitState(cwd: string, used: readonly string[] = []): GitState {
  const git = (args: string[], dir = cwd) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  let commit: string;
  let top: string;
  try {
    commit = git(['rev-parse', 'HEAD']).trim();
    top = git(['rev-parse', '--show-toplevel']).trim();
  } catch {
    return { commit: null, dirty: null, dirtyFiles: [] };
  }
  const succeeds = (args: string[]) => {
    try {
      git(args, top);
      return true;
    } catch {
      return false;
    }
  };
  // Tracked changes and untracked files (ignored ones are not listed here: node_modules, cdk.out).
  const lines = git(['status', '--porcelain=v1', '--untracked-files=all'], top)
    .split('\n')
    .filter((l) => l.trim());
  for (const file of used) {
    const rel = path.relative(fs.realpathSync(top), fs.realpathSync(path.resolve(cwd, file)));
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      lines.push(`-- ${path.resolve(cwd, file)} (used by the synth, outside the repository)`);
      continue;
    }
    // Tracked: its changes are in the status above. Otherwise the commit does not hold the file the synth read:
    // `!!` ignored, `??` untracked, as git status says them.
    if (succeeds(['ls-files', '--error-unmatch', '--', rel])) continue;
    const ignored = succeeds(['check-ignore', '-q', '--no-index', '--', rel]);
    const line = `${ignored ? '!!' : '??'} ${rel} (used by the synth, ${ignored ? 'ignored by git' : 'not tracked'})`;
    const i = lines.indexOf(`?? ${rel}`);
    if (i >= 0) lines[i] = line;
    else lines.push(line);
  }
  const shown =
    lines.length > MAX_DIRTY_LINES ? [...lines.slice(0, MAX_DIRTY_LINES), `... and ${lines.length - MAX_DIRTY_LINES} more`] : lines;
  return { commit, dirty: lines.length > 0, dirtyFiles: shown };
}

/** The OSCAL documents of an evidence pack, as written (generated from evidence.json alone, so reproducible). */
export function oscalFiles(evidence: Evidence): Record<string, string> {
  return {
    [OSCAL_COMPONENT_DEFINITION_FILE]: JSON.stringify(oscalComponentDefinition(evidence), undefined, 2) + '\n',
    [OSCAL_ASSESSMENT_RESULTS_FILE]: JSON.stringify(oscalAssessmentResults(evidence), undefined, 2) + '\n',
  };
}

/**
 * Every file of the pack but the manifest, as written: each is a function of evidence.json alone, so `verify`
 * renders them again and compares bytes.
 */
export function packFiles(evidence: Evidence): Record<string, string> {
  // Through JSON, as a reader gets it (values the builder left undefined are absent), so rendering is reproducible.
  const checked = evidenceSchema.parse(JSON.parse(JSON.stringify(evidence)));
  return {
    [EVIDENCE_FILE]: JSON.stringify(checked, undefined, 2) + '\n',
    'evidence.schema.json': JSON.stringify(z.toJSONSchema(evidenceSchema), undefined, 2) + '\n',
    'index.html': renderHtml(checked),
    'index.md': renderMarkdown(checked),
    ...oscalFiles(checked),
  };
}

export const MANIFEST_VERSION = 1;

export interface PackManifest {
  readonly manifestVersion: number;
  readonly algorithm: 'SHA-256';
  /** Files of the pack (relative to the pack folder), the manifest aside. */
  readonly files: Record<string, string>;
  /** The templates the pack describes (relative to the cloud assembly). */
  readonly templates: Record<string, string>;
  /** The other files of the cloud assembly the pack was built from (relative to it). */
  readonly inputs: Record<string, string>;
}

/**
 * Files of the cloud assembly, besides the templates, that the evidence is built from or reported beside: every
 * file at its root (manifest, tree, the validation report with the unacknowledged findings, SARIF and JUnit
 * reports when written; not the CLI's lock files) and the manifest and stack metadata (acknowledgements) of each nested assembly.
 */
export function inputFiles(assemblyDir: string, nestedDirs: readonly string[]): string[] {
  const out = fs
    .readdirSync(assemblyDir, { withFileTypes: true })
    // Lock files are the CDK CLI's own, held while it synthesizes and removed after (synth.lock, read.<pid>.lock).
    // behaviour-results.json is written after the pack, from the templates, and bound to them by its own digests.
    .filter((e) => e.isFile() && !e.name.endsWith('.template.json') && !e.name.endsWith('.lock') && e.name !== BEHAVIOUR_RESULTS_FILE)
    .map((e) => e.name)
    .sort();
  for (const d of nestedDirs) {
    for (const f of fs.readdirSync(path.join(assemblyDir, d)).sort()) {
      if (f === 'manifest.json' || f.endsWith('.metadata.json')) out.push(path.join(d, f));
    }
  }
  return out;
}

/** The manifest text for the given digests (keys sorted, so one set of digests has one text). */
export function renderManifest(m: Omit<PackManifest, 'manifestVersion' | 'algorithm'>): string {
  const sorted = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const out: PackManifest = {
    manifestVersion: MANIFEST_VERSION,
    algorithm: 'SHA-256',
    files: sorted(m.files),
    templates: sorted(m.templates),
    inputs: sorted(m.inputs),
  };
  return JSON.stringify(out, undefined, 2) + '\n';
}

/**
 * Write evidence.json (validated against its schema), evidence.schema.json, index.html, index.md, the OSCAL
 * component definition and assessment results, and manifest.json (the SHA-256 of each of those, of every
 * template and of every input) into `<assemblyDir>/evidence/`. Files are written beside and renamed into place,
 * the manifest last, so a reader never sees a half-written pack. Files of an earlier pack not written again are
 * removed (the manifest lists exactly what the folder holds).
 */
export function writeEvidencePack(assemblyDir: string, evidence: Evidence): string {
  const dir = path.join(assemblyDir, EVIDENCE_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const files = packFiles(evidence);
  const put = (name: string, content: string) => {
    const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, path.join(dir, name));
  };
  for (const [name, content] of Object.entries(files)) put(name, content);
  for (const name of fs.readdirSync(dir))
    if (!(name in files) && name !== MANIFEST_FILE) fs.rmSync(path.join(dir, name), { recursive: true });
  const inputs = inputFiles(assemblyDir, nestedAssemblyDirs(assemblyDir));
  put(
    MANIFEST_FILE,
    renderManifest({
      files: Object.fromEntries(Object.entries(files).map(([n, c]) => [n, sha256(c)])),
      templates: Object.fromEntries(evidence.provenance.templates.map((t) => [t.file, t.sha256])),
      inputs: Object.fromEntries(inputs.map((f) => [f, sha256(fs.readFileSync(path.join(assemblyDir, f)))])),
    }),
  );
  return dir;
}

/** Read and validate an evidence.json (a file, or a cloud assembly directory holding evidence/evidence.json). */
export function readEvidence(location: string): Evidence {
  const file = fs.existsSync(location) && fs.statSync(location).isDirectory() ? path.join(location, EVIDENCE_DIR, EVIDENCE_FILE) : location;
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
