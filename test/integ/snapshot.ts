/**
 * Offline snapshots of the integration test apps (no AWS account): each app's templates, synthesized with the
 * project's cdk.json context, with asset hashes and the assertions' time salts masked (handler edits alone do not churn the snapshot).
 *   npm run integ:update     rewrite the committed snapshots after an intended change
 * The check is test/integ-snapshot.test.ts, part of `npm test`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { cdkContext } from '../helpers/synth';
import { buildIntegApp } from './integ.reference';

/** The integration test apps and their builders. */
export const INTEG_APPS: Readonly<Record<string, (app: App) => unknown>> = {
  'integ.reference.ts': buildIntegApp,
};

/** Where an app's committed snapshot lives (integ-runner's layout: `<file>.snapshot/`). */
export const snapshotDir = (file: string) => path.join(__dirname, `${file}.snapshot`);

const HASH = /[0-9a-f]{64}/g;
/** integ-tests salts each assertion with the synth time, so that every deploy runs it again. */
const SALT = /"salt":"\d+"/g;

/** Synthesize one integ app; templates by file name, asset hashes masked. */
export function synthIntegApp(file: string): Record<string, unknown> {
  const app = new App({ context: cdkContext(), outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'integ-snapshot-')) });
  INTEG_APPS[file](app);
  const assembly = new CloudAssembly(app.synth().directory);
  const out: Record<string, unknown> = {};
  for (const stack of assembly.stacksRecursively) {
    out[`${stack.hierarchicalId.replace(/\//g, '-')}.template.json`] = JSON.parse(
      JSON.stringify(stack.template).replace(HASH, '<asset-hash>').replace(SALT, '"salt":"<synth-time>"'),
    );
  }
  return out;
}

/** The committed snapshot of one app (empty when none). */
export function readSnapshot(file: string): Record<string, unknown> {
  const dir = snapshotDir(file);
  if (!fs.existsSync(dir)) return {};
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown]),
  );
}

function writeSnapshot(file: string, templates: Record<string, unknown>): void {
  const dir = snapshotDir(file);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, t] of Object.entries(templates)) fs.writeFileSync(path.join(dir, name), `${JSON.stringify(t, undefined, 1)}\n`);
}

if (require.main === module) {
  for (const file of Object.keys(INTEG_APPS)) {
    const templates = synthIntegApp(file);
    writeSnapshot(file, templates);
    console.log(`${path.relative(process.cwd(), snapshotDir(file))}: ${Object.keys(templates).length} templates`);
  }
}
