import * as fs from 'fs';
import * as path from 'path';
import { statefulLogicalIds } from '../lib/compliance/stateful';
import { defaultDeployment } from './helpers/synth';

/**
 * The committed list of every stateful resource (type and logical id) per stack. A logical id that
 * disappears or changes means CloudFormation would replace the resource: a new empty database, bucket or
 * key, and the old one deleted or orphaned. Approving such a change is deliberate:
 *   npm run approve:stateful
 * rewrites this file; review its diff like a migration.
 */
const MANIFEST = path.join(__dirname, 'stateful-resources.json');

describe('stateful resources keep their logical ids', () => {
  const actual = statefulLogicalIds(defaultDeployment().stage);

  if (process.env.APPROVE_STATEFUL_CHANGES === '1') {
    fs.writeFileSync(MANIFEST, JSON.stringify(actual, undefined, 2) + '\n');
  }
  const approved = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Record<string, string[]>;

  test('no approved stateful resource disappears or changes its logical id', () => {
    const missing = Object.entries(approved).flatMap(([stack, ids]) =>
      ids.filter((id) => !(actual[stack] ?? []).includes(id)).map((id) => `${stack}: ${id}`),
    );
    if (missing.length) {
      throw new Error(
        `These stateful resources would be replaced or deleted on deploy:\n  ${missing.join('\n  ')}\n` +
          'If that is deliberate (and the data is migrated), approve it with `npm run approve:stateful` and commit test/stateful-resources.json.',
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
