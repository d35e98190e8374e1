import * as crypto from 'crypto';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { NIST80053R5Checks } from 'cdk-nag';
import { NagCheckLog } from '../compliance/check-log';
import { HIPAA_SECTIONS } from './controls';
import { ControlEvidence, Evidence } from './schema';

/** The OSCAL version of the documents written (NIST OSCAL 1.1.x; models: component definition, assessment results). */
export const OSCAL_VERSION = '1.1.2';
export const OSCAL_COMPONENT_DEFINITION_FILE = 'oscal-component-definition.json';
export const OSCAL_ASSESSMENT_RESULTS_FILE = 'oscal-assessment-results.json';

/** Namespace of our OSCAL properties. */
export const OSCAL_NS = 'https://github.com/hipaa-stack/hipaa-stack/ns/oscal';
/** The NIST SP 800-53 rev5 catalog, as published by NIST in OSCAL. */
export const NIST_800_53_R5_CATALOG =
  'https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json';
/** 45 CFR Part 164 Subpart C (the HIPAA Security Rule); no official OSCAL catalog exists, so the regulation is the source. */
export const HIPAA_SECURITY_RULE = 'https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-C';

/** Fixed namespace for our v5 UUIDs (itself the v5 UUID of our namespace URI in the RFC 4122 URL namespace). */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** An RFC 4122 version 5 (SHA-1, name-based) UUID: the same name always gives the same UUID. */
export function uuidV5(name: string, namespace: string = OSCAL_UUID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = crypto
    .createHash('sha1')
    .update(Buffer.concat([ns, Buffer.from(name, 'utf8')]))
    .digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
export const OSCAL_UUID_NAMESPACE = uuidV5(OSCAL_NS, URL_NAMESPACE);

/** `164.312(a)(2)(iv)` as an OSCAL token (letters, digits, `.`, `-`, `_`): `hipaa-164.312-a-2-iv`. */
export function hipaaControlId(section: string): string {
  return `hipaa-${section.replace(/\(([^)]+)\)/g, '-$1')}`;
}

/** A NIST 800-53 id as cdk-nag cites it (`SC-28(1)`, `CP-9d`, `IA-5(1)(c)`) as an OSCAL control id (`sc-28.1`, `cp-9`, `ia-5.1`). */
export function nistControlId(id: string): string | undefined {
  const m = /^([A-Z]{2})-(\d+)(?:\((\d+)\))?/.exec(id);
  return m ? `${m[1].toLowerCase()}-${m[2]}${m[3] ? `.${m[3]}` : ''}` : undefined;
}

let nistIds: Map<string, string[]> | undefined;
/**
 * The NIST 800-53 rev5 ids each cdk-nag NIST rule cites, read from the pack itself: every rule is applied to
 * every resource, so running the pack on one resource records each rule's text once.
 */
export function nistIdsByRule(): Map<string, string[]> {
  if (nistIds) return nistIds;
  // Never synthesized: under the CDK CLI an App would otherwise write its template into the user's cdk.out on exit.
  const app = new App({ autoSynth: false });
  new CfnResource(new Stack(app, 'Probe'), 'Probe', { type: 'AWS::SNS::Topic' });
  const log = new NagCheckLog();
  log.watch(new NIST80053R5Checks()).validateScope(app);
  nistIds = new Map(log.ruleInfos().map((r) => [r.id, /Control IDs?: (.*)\)\.?\s*$/.exec(r.info)?.[1].split(/,\s*/) ?? []]));
  return nistIds;
}

/** The NIST ids of a control: cited by its NIST rules, and by the NIST twins of its HIPAA Security rules. */
function nistIdsOf(c: ControlEvidence): string[] {
  const byRule = nistIdsByRule();
  const rules = [...c.rules.nist, ...c.rules.hipaa.map((h) => h.replace(/^HIPAA\.Security-/, 'NIST.800.53.R5-'))];
  return [...new Set(rules.flatMap((r) => byRule.get(r) ?? []))].sort();
}

type Prop = { name: string; ns?: string; value: string; remarks?: string };
const prop = (name: string, value: string): Prop => ({ name, ns: OSCAL_NS, value });

/** How the control is implemented, in words, from the evidence of one stack's resources. */
function statement(c: ControlEvidence, resources: ControlEvidence['resources']): string {
  const lines = resources.map((r) => `${r.logicalId} (${r.type}, ${r.path}): ${JSON.stringify(r.values)}`);
  return `${c.title}. Implemented by: ${lines.join('; ')}.`;
}

function metadata(evidence: Evidence, title: string) {
  return {
    title,
    'last-modified': evidence.generatedAt,
    version: `${evidence.provenance.configName}@${evidence.provenance.gitCommit ?? 'uncommitted'}`,
    'oscal-version': OSCAL_VERSION,
    props: [prop('evidence-schema-version', evidence.schemaVersion), prop('environment', evidence.provenance.environment)],
  };
}

/** One back-matter resource per template, with its SHA-256, so observations can cite the exact file. */
function templateResources(evidence: Evidence) {
  return evidence.provenance.templates.map((t) => ({
    uuid: uuidV5(`template:${t.file}`),
    title: `CloudFormation template of ${t.stack} (${t.region})`,
    rlinks: [{ href: `../${t.file}`, 'media-type': 'application/json', hashes: [{ algorithm: 'SHA-256', value: t.sha256 }] }],
  }));
}

/** A document id that changes with the content and nothing else (reproducible runs give the same id). */
function documentUuid(kind: string, evidence: Evidence): string {
  const content = JSON.stringify({ ...evidence, generatedAt: undefined });
  return uuidV5(`${kind}:${crypto.createHash('sha256').update(content).digest('hex')}`);
}

/**
 * An OSCAL 1.1 component definition: each stack a component; each control with resources in that stack an
 * implemented requirement of the HIPAA Security Rule (45 CFR 164 subpart C) and, where a cdk-nag NIST rule
 * checks the same thing, of NIST SP 800-53 rev5, with the statement of how it is implemented.
 */
export function oscalComponentDefinition(evidence: Evidence): object {
  const stacks = [...new Set(evidence.controls.flatMap((c) => c.resources.map((r) => r.stack)))].sort();
  const components = stacks.map((stack) => {
    const controls = evidence.controls.filter((c) => c.resources.some((r) => r.stack === stack));
    const hipaa = [...new Set(controls.flatMap((c) => c.sections))].sort();
    // `originals`: the ids as cited (`AC-16`, `AC-16b` are both OSCAL control `ac-16`).
    const requirement = (framework: 'hipaa' | 'nist', controlId: string, originals: string[]) => {
      const cs = controls.filter((c) => originals.some((o) => (framework === 'hipaa' ? c.sections : nistIdsOf(c)).includes(o)));
      return {
        uuid: uuidV5(`implemented:${stack}:${framework}:${controlId}`),
        'control-id': controlId,
        description: `${cs.length} control(s) of this stack answer ${framework === 'hipaa' ? '45 CFR' : 'NIST SP 800-53'} ${originals.join(', ')}.`,
        props: [
          ...originals.map((o) => prop(framework === 'hipaa' ? 'hipaa-section' : 'nist-800-53-id', o)),
          ...cs.map((c) => prop('evidence-control', c.id)),
        ],
        statements: cs.map((c) => ({
          'statement-id': `${controlId}_smt`,
          uuid: uuidV5(`statement:${stack}:${framework}:${controlId}:${c.id}`),
          description: statement(
            c,
            c.resources.filter((r) => r.stack === stack),
          ),
        })),
      };
    };
    const nist = new Map<string, string[]>();
    for (const id of [...new Set(controls.flatMap(nistIdsOf))].sort()) {
      const oscalId = nistControlId(id);
      if (oscalId) nist.set(oscalId, [...(nist.get(oscalId) ?? []), id]);
    }
    const implementations = [
      {
        uuid: uuidV5(`implementation:${stack}:hipaa`),
        source: HIPAA_SECURITY_RULE,
        description: 'HIPAA Security Rule technical and administrative safeguards this stack implements.',
        'implemented-requirements': hipaa.map((s) => requirement('hipaa', hipaaControlId(s), [s])),
      },
    ];
    if (nist.size) {
      implementations.push({
        uuid: uuidV5(`implementation:${stack}:nist`),
        source: NIST_800_53_R5_CATALOG,
        description: 'NIST SP 800-53 rev5 controls cited by the cdk-nag NIST rules that check the same settings.',
        'implemented-requirements': [...nist.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([id, originals]) => requirement('nist', id, originals)),
      });
    }
    return {
      uuid: uuidV5(`component:${stack}`),
      type: 'service',
      title: stack,
      description: `The ${stack} stack of the ${evidence.provenance.environment} deployment (AWS CloudFormation).`,
      props: [prop('cloudformation-stack', stack)],
      'control-implementations': implementations,
    };
  });
  return {
    'component-definition': {
      uuid: documentUuid('component-definition', evidence),
      metadata: metadata(evidence, `hipaa-stack components: ${evidence.provenance.environment}`),
      components,
      'back-matter': { resources: templateResources(evidence) },
    },
  };
}

const STATE: Record<ControlEvidence['status'], 'satisfied' | 'not-satisfied'> = {
  met: 'satisfied',
  'met-with-accepted-finding': 'satisfied',
  'not-met': 'not-satisfied',
};

/**
 * OSCAL 1.1 assessment results: one result for this synthesis; per evidence control an observation (the
 * resources and values read from the templates, linked to the templates' back-matter entries with their SHA-256)
 * and a finding per HIPAA section with its state.
 */
export function oscalAssessmentResults(evidence: Evidence): object {
  const resources = templateResources(evidence);
  const templateUuid = new Map(evidence.provenance.templates.map((t, i) => [t.stack, resources[i].uuid]));
  const observations = evidence.controls.map((c) => ({
    uuid: uuidV5(`observation:${c.id}`),
    title: c.id,
    description: `${c.title}: ${c.status}. ${c.resources.length} resource(s) checked by ${[...c.rules.strict, ...c.rules.hipaa, ...c.rules.nist, ...c.rules.controlTower].join(', ') || 'template checks'}.`,
    props: [
      prop('evidence-status', c.status),
      ...c.resources.flatMap((r) => r.accepted.map((a) => prop('accepted-finding', `${a} at ${r.path}`))),
    ],
    methods: ['EXAMINE', 'TEST'],
    types: ['control-objective'],
    'relevant-evidence': [...new Set(c.resources.map((r) => r.stack))].flatMap((stack) => {
      const uuid = [...templateUuid.entries()].find(([s]) => s === stack || s.endsWith(`-${stack}`))?.[1];
      return uuid ? [{ href: `#${uuid}`, description: `Template of ${stack}` }] : [];
    }),
    collected: evidence.generatedAt,
  }));
  const findings = evidence.controls.flatMap((c) =>
    c.sections.map((s) => ({
      uuid: uuidV5(`finding:${c.id}:${s}`),
      title: `${c.id} / 45 CFR ${s}`,
      description: `${c.title}: ${c.status}${c.status === 'met-with-accepted-finding' ? ' (an accepted finding with its compensating control)' : ''}.`,
      target: {
        type: 'statement-id',
        'target-id': `${hipaaControlId(s)}_smt`,
        status: { state: STATE[c.status] },
      },
      'related-observations': [{ 'observation-uuid': uuidV5(`observation:${c.id}`) }],
    })),
  );
  const sections = [...new Set(HIPAA_SECTIONS.map((s) => s.section).filter((s) => evidence.controls.some((c) => c.sections.includes(s))))];
  return {
    'assessment-results': {
      uuid: documentUuid('assessment-results', evidence),
      metadata: metadata(evidence, `hipaa-stack assessment results: ${evidence.provenance.environment}`),
      // No separate assessment plan exists: the plan is the evidence pack's control list (evidence.json).
      'import-ap': { href: 'evidence.json', remarks: 'The assessment plan is the control list of the evidence pack.' },
      results: [
        {
          uuid: uuidV5(`result:${evidence.provenance.configName}:${evidence.provenance.environment}`),
          title: `Synthesis of ${evidence.provenance.configName} (${evidence.provenance.environment})`,
          description: 'Automated assessment of the synthesized CloudFormation templates by the hipaa-stack compliance gate.',
          start: evidence.generatedAt,
          'reviewed-controls': {
            'control-selections': [{ 'include-controls': sections.map((s) => ({ 'control-id': hipaaControlId(s) })) }],
          },
          observations,
          findings,
        },
      ],
      'back-matter': { resources },
    },
  };
}
