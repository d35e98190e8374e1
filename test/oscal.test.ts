import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { produceEvidence } from '../lib/evidence';
import {
  hipaaControlId,
  nistControlId,
  OSCAL_ASSESSMENT_RESULTS_FILE,
  OSCAL_COMPONENT_DEFINITION_FILE,
  OSCAL_VERSION,
  oscalAssessmentResults,
  oscalComponentDefinition,
  uuidV5,
} from '../lib/evidence/oscal';
import { Evidence } from '../lib/evidence/schema';
import { verifyEvidence } from '../lib/evidence/verify';
import { defaultDeployment } from './helpers/synth';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** OSCAL's token type (control ids, statement ids). */
const TOKEN = /^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$/u;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/* eslint-disable @typescript-eslint/no-explicit-any -- OSCAL documents are walked as plain JSON */
type Json = any;

/** Every `uuid` value in a document. */
function uuids(doc: Json, out: string[] = []): string[] {
  if (Array.isArray(doc)) doc.forEach((d) => uuids(d, out));
  else if (doc && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) {
      if (k === 'uuid') out.push(v as string);
      else uuids(v, out);
    }
  return out;
}

let evidence: Evidence;
let dir: string;
let assemblyDir: string;
let cd: Json;
let ar: Json;
beforeAll(() => {
  const r = defaultDeployment();
  ({ evidence, dir } = produceEvidence(r.app, r.config, 'default', r.assemblyDir, r.findings, new Date('2026-11-23T12:00:00Z')));
  assemblyDir = r.assemblyDir;
  cd = JSON.parse(fs.readFileSync(path.join(dir, OSCAL_COMPONENT_DEFINITION_FILE), 'utf8'))['component-definition'];
  ar = JSON.parse(fs.readFileSync(path.join(dir, OSCAL_ASSESSMENT_RESULTS_FILE), 'utf8'))['assessment-results'];
});

describe('OSCAL 1.1 documents in the evidence pack', () => {
  test('v5 UUIDs follow RFC 4122 (known vector) and are deterministic', () => {
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    // The same evidence at another time: the same ids throughout.
    const later = { ...evidence, generatedAt: '2027-01-01T00:00:00.000Z' };
    expect(uuids(oscalComponentDefinition(later))).toEqual(uuids(oscalComponentDefinition(evidence)));
    expect(uuids(oscalAssessmentResults(later))).toEqual(uuids(oscalAssessmentResults(evidence)));
  });

  test('metadata and every uuid: required fields, OSCAL version, unique v5 UUIDs', () => {
    for (const doc of [cd, ar]) {
      expect(doc.metadata).toEqual(
        expect.objectContaining({ title: expect.any(String), version: expect.any(String), 'oscal-version': OSCAL_VERSION }),
      );
      expect(doc.metadata['last-modified']).toMatch(DATETIME);
      const all = uuids(doc);
      for (const u of all) expect(u).toMatch(UUID_V5);
      expect(new Set(all).size).toBe(all.length);
    }
    expect(OSCAL_VERSION).toMatch(/^1\.1\.\d+$/);
  });

  test('component definition: each stack a component, HIPAA sections and NIST 800-53 rev5 ids implemented with statements', () => {
    const stacks = new Set(evidence.controls.flatMap((c) => c.resources.map((r) => r.stack)));
    expect(cd.components.map((c: Json) => c.title).sort()).toEqual([...stacks].sort());
    for (const c of cd.components) {
      expect(c).toEqual(expect.objectContaining({ type: 'service', description: expect.any(String) }));
      expect(c['control-implementations'].length).toBeGreaterThan(0);
      for (const ci of c['control-implementations']) {
        expect(ci).toEqual(expect.objectContaining({ source: expect.stringMatching(/^https:\/\//), description: expect.any(String) }));
        expect(ci['implemented-requirements'].length).toBeGreaterThan(0);
        for (const req of ci['implemented-requirements']) {
          expect(req['control-id']).toMatch(TOKEN);
          expect(req.description.length).toBeGreaterThan(10);
          expect(req.statements.length).toBeGreaterThan(0);
          for (const s of req.statements) {
            expect(s['statement-id']).toBe(`${req['control-id']}_smt`);
            expect(s.description).toMatch(/Implemented by: /);
          }
        }
      }
    }
    // The audit WORM control: 45 CFR 164.312(c)(1) in the Audit stack, with the Object Lock values in the statement.
    const audit = cd.components.find((c: Json) => c.title === 'Audit');
    const hipaa = audit['control-implementations'].find((ci: Json) => ci.source.includes('ecfr.gov'));
    const integrity = hipaa['implemented-requirements'].find((r: Json) => r['control-id'] === hipaaControlId('164.312(c)(1)'));
    expect(integrity.props).toContainEqual(expect.objectContaining({ name: 'hipaa-section', value: '164.312(c)(1)' }));
    expect(integrity.statements.map((s: Json) => s.description).join()).toMatch(/"objectLockMode":"COMPLIANCE"/);
    const nist = cd.components.flatMap((c: Json) => c['control-implementations']).filter((ci: Json) => ci.source.includes('SP800-53/rev5'));
    expect(nist.flatMap((ci: Json) => ci['implemented-requirements'].map((r: Json) => r['control-id']))).toContain('sc-28.1');
  });

  test('assessment results: a finding per control and HIPAA section, each linked to an observation citing hashed templates', () => {
    expect(ar['import-ap'].href).toBe('evidence.json');
    expect(ar.results).toHaveLength(1);
    const result = ar.results[0];
    expect(result.start).toMatch(DATETIME);
    const reviewed = new Set(result['reviewed-controls']['control-selections'][0]['include-controls'].map((c: Json) => c['control-id']));
    const observations = new Map(result.observations.map((o: Json) => [o.uuid, o]));
    const resources = new Map(ar['back-matter'].resources.map((r: Json) => [r.uuid, r]));
    expect(result.observations).toHaveLength(evidence.controls.length);
    expect(result.findings).toHaveLength(evidence.controls.reduce((n, c) => n + c.sections.length, 0));
    for (const f of result.findings) {
      expect(['satisfied', 'not-satisfied']).toContain(f.target.status.state);
      expect(reviewed.has(f.target['target-id'].replace(/_smt$/, ''))).toBe(true);
      for (const ro of f['related-observations']) expect(observations.has(ro['observation-uuid'])).toBe(true);
    }
    for (const o of result.observations) {
      expect(o.methods.length).toBeGreaterThan(0);
      expect(o.collected).toMatch(DATETIME);
      for (const e of o['relevant-evidence']) expect(resources.has(e.href.replace(/^#/, ''))).toBe(true);
    }
    // The back-matter holds each template with the SHA-256 the evidence recorded, at a path that exists.
    for (const t of evidence.provenance.templates) {
      const r: Json = [...resources.values()].find((x: Json) => x.rlinks[0].href === `../${t.file}`);
      expect(r.rlinks[0].hashes).toEqual([{ algorithm: 'SHA-256', value: t.sha256 }]);
      expect(fs.existsSync(path.join(dir, r.rlinks[0].href))).toBe(true);
    }
    // A control not met is a finding not satisfied.
    const notMet = { ...evidence, controls: evidence.controls.map((c, i) => (i === 0 ? { ...c, status: 'not-met' as const } : c)) };
    const f0 = (oscalAssessmentResults(notMet) as Json)['assessment-results'].results[0].findings[0];
    expect(f0.title).toContain(evidence.controls[0].id);
    expect(f0.target.status.state).toBe('not-satisfied');
  });

  test('control ids are converted to OSCAL tokens', () => {
    expect(hipaaControlId('164.312(a)(2)(iv)')).toBe('hipaa-164.312-a-2-iv');
    expect(nistControlId('SC-28(1)')).toBe('sc-28.1');
    expect(nistControlId('CP-9d')).toBe('cp-9');
    expect(nistControlId('IA-5(1)(c)')).toBe('ia-5.1');
  });

  test('evidence verify covers the OSCAL files: an edited or missing one fails', () => {
    expect(verifyEvidence(assemblyDir)).toMatchObject({ ok: true, problems: [] });
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'oscal-copy-'));
    fs.cpSync(assemblyDir, copy, { recursive: true });
    const file = path.join(copy, 'evidence', OSCAL_ASSESSMENT_RESULTS_FILE);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"satisfied"', '"not-satisfied"'));
    fs.rmSync(path.join(copy, 'evidence', OSCAL_COMPONENT_DEFINITION_FILE));
    expect(verifyEvidence(copy).problems).toEqual(
      expect.arrayContaining([
        `missing: evidence/${OSCAL_COMPONENT_DEFINITION_FILE} is listed in evidence/manifest.json but not in the pack`,
        expect.stringMatching(
          new RegExp(`^modified: evidence/${OSCAL_ASSESSMENT_RESULTS_FILE} has SHA-256 \\w+, evidence/manifest.json records`),
        ),
        expect.stringMatching(
          new RegExp(`^modified: evidence/${OSCAL_ASSESSMENT_RESULTS_FILE} differs from the OSCAL document generated from evidence.json`),
        ),
      ]),
    );
  });
});
