import * as fs from 'fs';
import * as path from 'path';
import { STRICT_RULES } from '../lib/compliance/rules';
import { loadAssemblyModel } from '../lib/behaviour/assembly-model';
import { interactionCatalogue } from '../lib/behaviour/catalogue';
import { citesInteraction, claimsOf, controlVerdict, CONTROLS, unenforced } from '../lib/evidence/controls';
import { CLAIMS } from '../lib/evidence/trust-center';
import { CONTROL_TABLE_PAGE, controlTable, normalizeTable, tableOnPage } from '../lib/tools/control-table';
import { defaultDeployment } from './helpers/synth';

describe('the control catalogue', () => {
  test('every control is enforced by at least one HIPAA.Strict rule at synth', () => {
    expect(CONTROLS.filter((c) => unenforced(c)).map((c) => c.id)).toEqual([]);
  });

  test('every HIPAA.Strict rule enforces at least one control', () => {
    const used = new Set(CONTROLS.flatMap((c) => c.strict));
    expect(STRICT_RULES.map((r) => r.id).filter((id) => !used.has(id))).toEqual([]);
  });

  test('a control without an enforcing rule is never met, whatever its resources say', () => {
    const bare = { id: 'bare', strict: [], required: false };
    expect(unenforced(bare)).toMatch(/bare has no enforcing HIPAA.Strict rule/);
    expect(controlVerdict(bare, ['met', 'met'])).toBe('not-met');
    expect(controlVerdict(bare, [])).toBe('not-met');
    // The same control with a rule: decided by its resources.
    expect(controlVerdict({ ...bare, strict: ['RDSNotPublic'] }, ['met', 'met'])).toBe('met');
    expect(controlVerdict({ ...bare, strict: ['RDSNotPublic'] }, ['met', 'met-with-accepted-finding'])).toBe('met-with-accepted-finding');
    expect(controlVerdict({ ...bare, strict: ['RDSNotPublic'] }, ['met', 'not-met'])).toBe('not-met');
    expect(controlVerdict({ ...bare, strict: ['RDSNotPublic'], required: true }, [])).toBe('not-met');
  });

  test('each control has HIPAA sections, NIST 800-53 rev5 ids and no check of its own', () => {
    for (const c of CONTROLS) {
      expect(c.sections.every((s) => /^164\.3(08|10|12|16)\(/.test(s))).toBe(true);
      expect(c.nist80053.length).toBeGreaterThan(0);
      for (const n of c.nist80053) expect(n).toMatch(/^[A-Z]{2}-\d+(\(\d+\))?$/);
      expect(Object.keys(c)).not.toContain('check');
    }
  });

  test('every trust-center claim rests on catalogue controls', () => {
    const ids = new Set(CONTROLS.map((c) => c.id));
    for (const claim of CLAIMS) for (const c of claim.controls) expect(ids).toContain(c);
    expect(claimsOf(CONTROLS.find((c) => c.id === 'audit-trail')!)).toEqual(
      expect.arrayContaining(['audit-retention', 'tamper-evidence', 'breach-alerts']),
    );
  });

  test('the interactions a control cites are those of the behavioural catalogue that name it, and back', () => {
    const interactions = interactionCatalogue(loadAssemblyModel(defaultDeployment().assemblyDir));
    const problems: string[] = [];
    for (const i of interactions) {
      // A no-TLS variant (no-tls-<id>) carries the controls of the interaction it varies.
      const base = i.id.replace(/^no-tls-/, '');
      for (const id of i.controls) {
        const c = CONTROLS.find((x) => x.id === id);
        if (!c) problems.push(`${i.id} names unknown control ${id}`);
        else if (!citesInteraction(c, i.id) && !citesInteraction(c, base)) problems.push(`${id} does not cite ${i.id}`);
      }
    }
    for (const c of CONTROLS) {
      for (const pattern of c.interactions) {
        if (!interactions.some((i) => citesInteraction({ interactions: [pattern] }, i.id) && i.controls.includes(c.id))) {
          // Tenant interactions exist only with tenants; the default deployment has none.
          if (!pattern.startsWith('tenant-')) problems.push(`${c.id} cites ${pattern}, which no interaction for it matches`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe(`the generated control table in ${CONTROL_TABLE_PAGE}`, () => {
  test('matches the catalogue (regenerate: npx tsx lib/tools/control-table.ts --update)', () => {
    const page = fs.readFileSync(path.join(__dirname, '..', CONTROL_TABLE_PAGE), 'utf8');
    expect(normalizeTable(tableOnPage(page))).toEqual(normalizeTable(controlTable()));
  });

  test('a control missing from the page is noticed', () => {
    const page = fs.readFileSync(path.join(__dirname, '..', CONTROL_TABLE_PAGE), 'utf8');
    const edited = page.replace(/^\|\s*`flow-logs`.*\n/m, '');
    expect(edited).not.toEqual(page);
    expect(normalizeTable(tableOnPage(edited))).not.toEqual(normalizeTable(controlTable()));
  });
});
