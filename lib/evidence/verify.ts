import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { z } from 'zod';
import { readValidationReport, unacknowledgedFindings } from '../compliance/report';
import { strictThresholds } from '../compliance/strict-pack';
import { parseConfig } from '../config/load';
import { acceptedFindingsInAssembly, nestedAssemblyDirs, readStackTemplates, sha256, sha256File } from './assembly';
import { buildEvidence, toolVersions } from './build';
import { Evidence, evidenceSchema } from './schema';
import { EVIDENCE_DIR, EVIDENCE_FILE, inputFiles, MANIFEST_FILE, MANIFEST_VERSION, packFiles, readEvidence, renderManifest } from './write';
import { bindBehaviourResults, BehaviourBinding } from '../behaviour/results';

export interface VerifyResult {
  readonly ok: boolean;
  /** Templates checked. */
  readonly checked: number;
  /** Files of the pack checked against the manifest (the manifest aside). */
  readonly files: number;
  /** Each mismatch, naming the file (and the field, for a value of evidence.json). */
  readonly problems: string[];
  /** What does not fail verification but an auditor should know (other tool versions, a config file changed since). */
  readonly notes: string[];
  /** Whether the permission-evaluation results of CI are present and computed from these templates. */
  readonly behaviourResults: BehaviourBinding;
}

/** How CloudFormation templates are named in a cloud assembly (stacks and nested stacks). */
const TEMPLATE_FILE = /\.template\.json$/;
/** Most differences of values reported (the count of the rest is said). */
const MAX_VALUE_DIFFERENCES = 25;
const REPO_ROOT = path.join(__dirname, '..', '..');

const manifestSchema = z
  .object({
    manifestVersion: z.literal(MANIFEST_VERSION),
    algorithm: z.literal('SHA-256'),
    files: z.record(z.string(), z.string()),
    templates: z.record(z.string(), z.string()),
    inputs: z.record(z.string(), z.string()),
  })
  .strict();

/**
 * Every template file under an assembly directory, relative to it: the manifest's stacks are found through the
 * manifest, but a template copied into the directory, a nested stack's template, or a stale assembly of an earlier
 * synth is not in the manifest's stack list. The evidence pack's own folder is not searched.
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

/** Every file of the pack folder (relative to it), the manifest aside. */
function filesOfPack(packDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(packDir, p));
    }
  };
  walk(packDir);
  return out.filter((f) => f !== MANIFEST_FILE).sort();
}

/** Where two texts first differ, as `line L, column C: found "..." where ... has "..."`. */
export function firstDifference(actual: string, expected: string, expectedName: string): string {
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const before = actual.slice(0, i);
  const line = before.split('\n').length;
  const column = i - before.lastIndexOf('\n');
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 15), i + 25));
  return `line ${line}, column ${column}: found ${around(actual)} where ${expectedName} has ${around(expected)}`;
}

const show = (v: unknown): string => {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
};

/** The identity of an element of an array of evidence records, so differences are named by it, not by index. */
function keyOf(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.id === 'string') return o.id;
  if (typeof o.stack === 'string' && typeof o.logicalId === 'string') return `${o.stack}/${o.logicalId}`;
  if (typeof o.section === 'string') return o.section;
  if (typeof o.rule === 'string' && typeof o.path === 'string') return `${o.rule}@${o.path}`;
  if (typeof o.file === 'string') return o.file;
  return undefined;
}

function keyed(xs: unknown[]): Map<string, unknown> | undefined {
  const m = new Map<string, unknown>();
  for (const x of xs) {
    const k = keyOf(x);
    if (k === undefined || m.has(k)) return undefined;
    m.set(k, x);
  }
  return m;
}

/** Field-by-field differences between the pack's evidence (`a`) and the evidence rebuilt from the templates (`b`). */
export function valueDifferences(a: unknown, b: unknown, at = '', out: string[] = []): string[] {
  if (isDeepStrictEqual(a, b)) return out;
  if (Array.isArray(a) && Array.isArray(b)) {
    const ka = keyed(a);
    const kb = keyed(b);
    if (ka && kb) {
      const before = out.length;
      for (const [k, v] of ka) valueDifferences(v, kb.get(k), `${at}[${k}]`, out);
      for (const [k, v] of kb) if (!ka.has(k)) valueDifferences(undefined, v, `${at}[${k}]`, out);
      if (out.length === before && !isDeepStrictEqual([...ka.keys()], [...kb.keys()]))
        out.push(`${at}: the same records in another order (${[...ka.keys()].join(', ')}; rebuilt: ${[...kb.keys()].join(', ')})`);
      return out;
    }
    for (let i = 0; i < Math.max(a.length, b.length); i++) valueDifferences(a[i], b[i], `${at}[${i}]`, out);
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys)
      valueDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k, out);
    return out;
  }
  out.push(`${at || '(root)'}: the pack says ${show(a)}, the templates give ${show(b)}`);
  return out;
}

/**
 * Verify an evidence pack against the cloud assembly it sits in:
 * - the manifest: the SHA-256 of every file of the pack, of every template and input it lists, files missing or
 *   not listed, and the manifest itself (it must be exactly the manifest of those digests);
 * - the templates: none changed, missing or added, and no stale assembly of an earlier synth beside them;
 * - the evidence rebuilt from the templates, the acknowledgements and the validation report with the same builder
 *   equals evidence.json field by field (time, git state, config and tool versions cannot be rebuilt: they are
 *   bound through the manifest only);
 * - index.html, index.md, the OSCAL files, the JSON Schema and evidence.json itself are the bytes rendered from it.
 * Throws only when there is no pack at all.
 */
export function verifyEvidence(assemblyDir: string): VerifyResult {
  const packDir = path.join(assemblyDir, EVIDENCE_DIR);
  const evidenceFile = path.join(packDir, EVIDENCE_FILE);
  if (!fs.existsSync(evidenceFile)) throw new Error(`no evidence pack at ${evidenceFile}`);
  const P = (f: string) => `${EVIDENCE_DIR}/${f}`;
  const M = P(MANIFEST_FILE);
  const problems: string[] = [];
  const notes: string[] = [];
  const onDisk = filesOfPack(packDir);
  const bytes = new Map(onDisk.map((f) => [f, fs.readFileSync(path.join(packDir, f))]));
  const reportedMissing = new Set<string>();

  // 1. The manifest and the digests of the pack's files.
  let manifest: z.infer<typeof manifestSchema> | undefined;
  const manifestFile = path.join(packDir, MANIFEST_FILE);
  const manifestText = fs.existsSync(manifestFile) ? fs.readFileSync(manifestFile, 'utf8') : undefined;
  if (manifestText === undefined) problems.push(`missing: ${M}: the pack has no manifest, so nothing binds its files; synthesize again`);
  else {
    try {
      const parsed = manifestSchema.safeParse(JSON.parse(manifestText));
      if (parsed.success) manifest = parsed.data;
      else
        problems.push(
          `invalid: ${M} is not an evidence manifest: ${parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
            .join('; ')}`,
        );
    } catch (e) {
      problems.push(`invalid: ${M} is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (manifest) {
    for (const [name, recorded] of Object.entries(manifest.files)) {
      const b = bytes.get(name);
      if (!b) {
        problems.push(`missing: ${P(name)} is listed in ${M} but not in the pack`);
        reportedMissing.add(name);
      } else if (sha256(b) !== recorded) problems.push(`modified: ${P(name)} has SHA-256 ${sha256(b)}, ${M} records ${recorded}`);
    }
    for (const name of onDisk) if (!(name in manifest.files)) problems.push(`added: ${P(name)} is in the pack but not in ${M}`);
  }

  // 2. evidence.json, and the files rendered from it.
  let evidence: Evidence | undefined;
  try {
    evidence = readEvidence(evidenceFile);
  } catch (e) {
    problems.push(`invalid: ${P(EVIDENCE_FILE)}: ${(e as Error).message}`);
  }
  if (evidence) {
    const what: Record<string, string> = {
      [EVIDENCE_FILE]: 'the canonical form of its own content (it was edited or reformatted)',
      'evidence.schema.json': 'the JSON Schema of this version of the evidence format',
      'index.html': 'the page rendered from evidence.json',
      'index.md': 'the Markdown rendered from evidence.json',
    };
    for (const [name, content] of Object.entries(packFiles(evidence))) {
      const b = bytes.get(name);
      if (!b) {
        if (!reportedMissing.has(name)) problems.push(`missing: ${P(name)} is not in the evidence pack`);
        continue;
      }
      const actual = b.toString('utf8');
      if (actual !== content) {
        const expectedName = what[name] ?? 'the OSCAL document generated from evidence.json';
        problems.push(`modified: ${P(name)} differs from ${expectedName}, at ${firstDifference(actual, content, 'it')}`);
      }
    }
  }

  // 3. The templates: described, present, unchanged; nothing else beside them.
  const described = new Map<string, string>(
    evidence ? evidence.provenance.templates.map((t) => [t.file, t.sha256]) : Object.entries(manifest?.templates ?? {}),
  );
  if (evidence && manifest && !isDeepStrictEqual(new Map(Object.entries(manifest.templates)), described)) {
    for (const [file, sha] of described)
      if (manifest.templates[file] !== sha)
        problems.push(`modified: ${M} records ${file} with SHA-256 ${show(manifest.templates[file])}, ${P(EVIDENCE_FILE)} with ${sha}`);
    for (const file of Object.keys(manifest.templates))
      if (!described.has(file)) problems.push(`added: ${M} lists ${file}, which ${P(EVIDENCE_FILE)} does not describe`);
  }
  let nested: string[] = [];
  const actual = new Map<string, string>();
  try {
    nested = nestedAssemblyDirs(assemblyDir);
    for (const t of readStackTemplates(assemblyDir)) actual.set(t.file, t.sha256);
  } catch (e) {
    problems.push(`invalid: the cloud assembly in ${assemblyDir} cannot be read: ${(e as Error).message}`);
  }
  for (const file of templateFilesIn(assemblyDir)) if (!actual.has(file)) actual.set(file, sha256File(path.join(assemblyDir, file)));
  for (const [file, sha] of described) {
    const now = actual.get(file);
    if (now === undefined) problems.push(`missing: ${file} is in the evidence but not in the assembly`);
    else if (now !== sha) problems.push(`modified: ${file} has SHA-256 ${now}, the evidence recorded ${sha}`);
  }
  const stale = new Map<string, string[]>();
  for (const file of actual.keys()) {
    if (described.has(file)) continue;
    const top = file.split(path.sep)[0];
    if (top !== file && !nested.includes(top)) stale.set(top, [...(stale.get(top) ?? []), file]);
    else problems.push(`added: ${file} is in the assembly but not described by the evidence`);
  }
  for (const [dir, files] of stale) {
    const list = files.length > 5 ? `${files.slice(0, 5).join(', ')} and ${files.length - 5} more` : files.join(', ');
    problems.push(
      `stale: ${dir}/ is not an assembly of this synth (${path.join(assemblyDir, 'manifest.json')} does not list it) and holds ` +
        `${files.length} template(s) the pack does not describe: ${list}; delete it, or synthesize into an empty output directory`,
    );
  }

  // 4. The other inputs (validation report, stack metadata with the acknowledgements, reports).
  let inputs: string[] = [];
  try {
    inputs = inputFiles(assemblyDir, nested);
  } catch (e) {
    problems.push(`invalid: the inputs of ${assemblyDir} cannot be listed: ${(e as Error).message}`);
  }
  const inputDigest = new Map(inputs.map((f) => [f, sha256File(path.join(assemblyDir, f))]));
  if (manifest) {
    for (const [file, recorded] of Object.entries(manifest.inputs)) {
      const now = inputDigest.get(file);
      if (now === undefined) problems.push(`missing: ${file} is listed in ${M} but not in the assembly`);
      else if (now !== recorded) problems.push(`modified: ${file} has SHA-256 ${now}, ${M} records ${recorded}`);
    }
    for (const file of inputDigest.keys())
      if (!(file in manifest.inputs)) problems.push(`added: ${file} is in the assembly but not in ${M}`);
  }

  // 5. The evidence rebuilt from the assembly with the same builder, compared field by field.
  if (evidence) {
    try {
      problems.push(...rebuildDifferences(assemblyDir, evidence, notes));
    } catch (e) {
      problems.push(`rebuild failed: the evidence cannot be rebuilt from ${assemblyDir}: ${(e as Error).message}`);
    }
  }

  // 6. The manifest is exactly the manifest of the files on disk (no other byte in it).
  if (manifest && manifestText !== undefined) {
    const expected = renderManifest({
      files: Object.fromEntries([...bytes].map(([f, b]) => [f, sha256(b)])),
      templates: Object.fromEntries([...described].map(([f]) => [f, actual.get(f) ?? manifest.templates[f] ?? ''])),
      inputs: Object.fromEntries(inputDigest),
    });
    const digestMismatch = problems.some((x) => x.includes(`${M} records`));
    if (expected !== manifestText && !digestMismatch)
      problems.push(
        `modified: ${M} differs from the manifest of the files on disk, at ${firstDifference(manifestText, expected, 'that manifest')}`,
      );
  }

  // The permission-evaluation results of CI (issue 12): absent is said, not an error; results computed from other
  // templates are an error.
  const behaviourResults: BehaviourBinding = evidence
    ? bindBehaviourResults(assemblyDir, evidence.provenance.templates)
    : { state: 'absent', summary: 'behaviour results not checked: no readable evidence.json', problems: [] };
  problems.push(...behaviourResults.problems);
  return {
    ok: problems.length === 0,
    checked: described.size,
    files: bytes.size,
    problems: [...new Set(problems)],
    notes,
    behaviourResults,
  };
}

/** Rebuild the evidence from the assembly and list how evidence.json differs from it, naming each field. */
function rebuildDifferences(assemblyDir: string, recorded: Evidence, notes: string[]): string[] {
  const p = recorded.provenance;
  const where = `${EVIDENCE_DIR}/${EVIDENCE_FILE}`;
  let config;
  try {
    config = parseConfig(p.config.content, `${where} provenance.config.content`);
  } catch (e) {
    return [`invalid: ${where} provenance.config.content is not a valid config: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  if (p.config.file === null) {
    const expected = sha256(JSON.stringify(p.config.content, undefined, 2) + '\n');
    if (expected !== p.config.sha256)
      problems.push(
        `modified: ${where} provenance.config.sha256 is ${p.config.sha256}, the SHA-256 of provenance.config.content is ${expected}`,
      );
  } else {
    const file = path.resolve(REPO_ROOT, p.config.file);
    if (fs.existsSync(file)) {
      const now = sha256File(file);
      if (now !== p.config.sha256)
        notes.push(`the config file ${p.config.file} now has SHA-256 ${now}; the pack was built from ${p.config.sha256}`);
      else if (!isDeepStrictEqual(JSON.parse(fs.readFileSync(file, 'utf8')), p.config.content))
        problems.push(`modified: ${where} provenance.config.content is not the content of ${p.config.file}, whose SHA-256 it records`);
    }
  }
  const rebuilt = buildEvidence({
    assemblyDir,
    configName: p.configName,
    config,
    thresholds: strictThresholds(config),
    accepted: acceptedFindingsInAssembly(assemblyDir),
    findings: unacknowledgedFindings(readValidationReport(assemblyDir)),
    git: { commit: p.gitCommit, dirty: p.gitDirty, dirtyFiles: p.gitDirtyFiles },
    configSource: p.config,
  });
  // Not rebuildable: the time and the tools of the synth; bound by the manifest's digest of evidence.json.
  const versions = toolVersions();
  for (const k of ['hipaaStack', 'awsCdkLib', 'cdkNag', 'cdkValidatorCfnguard', 'guardRules'] as const)
    if (versions[k] !== p.versions[k]) notes.push(`rebuilt with ${k} ${versions[k]}; the pack was built with ${p.versions[k]}`);
  // As written: through JSON (a value left undefined by the builder is absent from the file).
  const comparable = evidenceSchema.parse(
    JSON.parse(
      JSON.stringify({ ...rebuilt, generatedAt: recorded.generatedAt, provenance: { ...rebuilt.provenance, versions: p.versions } }),
    ),
  );
  const diffs = valueDifferences(recorded, comparable);
  const shown = diffs.slice(0, MAX_VALUE_DIFFERENCES).map((d) => `modified: ${where} ${d}`);
  if (diffs.length > MAX_VALUE_DIFFERENCES) shown.push(`modified: ${where}: ${diffs.length - MAX_VALUE_DIFFERENCES} more values differ`);
  return [...problems, ...shown];
}
