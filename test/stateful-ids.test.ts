import * as fs from 'fs';
import * as path from 'path';
import { APPROVED_STATEFUL_RESOURCES, STATEFUL_MANIFEST_PATH, statefulLogicalIds } from '../lib/compliance/stateful';
import { defaultDeployment } from './helpers/synth';

/**
 * The committed list of every stateful resource (type and logical id) per stack name. A logical id that
 * disappears or changes means CloudFormation would replace the resource: a new empty database, bucket or
 * key, and the old one deleted or orphaned. `cdk synth` refuses that (HIPAA.Strict-StatefulLogicalIds reads the
 * same file); approving such a change is deliberate:
 *   npm run approve:stateful
 * rewrites the manifest; review its diff like a migration.
 */
const MANIFEST = path.join(__dirname, '..', STATEFUL_MANIFEST_PATH);

describe('stateful resources keep their logical ids', () => {
  const actual = statefulLogicalIds(defaultDeployment().stage);

  if (process.env.APPROVE_STATEFUL_CHANGES === '1') {
    fs.writeFileSync(MANIFEST, JSON.stringify(actual, undefined, 2) + '\n');
  }
  const approved = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Record<string, string[]>;

  test('the rule reads the committed manifest', () => {
    if (process.env.APPROVE_STATEFUL_CHANGES === '1') return expect(approved).toEqual(actual);
    expect(APPROVED_STATEFUL_RESOURCES).toEqual(approved);
    expect(Object.keys(approved)).toContain('example-Data');
    expect(approved['example-Data']).toContain('AWS::RDS::DBInstance PostgresInstanceEC667DB9');
  });

  test('no approved stateful resource disappears or changes its logical id', () => {
    const missing = Object.entries(approved).flatMap(([stack, ids]) =>
      ids.filter((id) => !(actual[stack] ?? []).includes(id)).map((id) => `${stack}: ${id}`),
    );
    if (missing.length) {
      throw new Error(
        `These stateful resources would be replaced or deleted on deploy:\n  ${missing.join('\n  ')}\n` +
          `If that is deliberate (and the data is migrated), approve it with \`npm run approve:stateful\` and commit ${STATEFUL_MANIFEST_PATH}.`,
      );
    }
    expect(missing).toEqual([]);
  });

  test('every stateful resource is in the approved manifest', () => {
    const added = Object.entries(actual).flatMap(([stack, ids]) =>
      ids.filter((id) => !(approved[stack] ?? []).includes(id)).map((id) => `${stack}: ${id}`),
    );
    if (added.length) {
      throw new Error(`New stateful resources, not yet approved:\n  ${added.join('\n  ')}\nRecord them with \`npm run approve:stateful\`.`);
    }
    expect(added).toEqual([]);
  });
});
