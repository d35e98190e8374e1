import * as path from 'path';
import { ConfigError, loadConfig } from '../lib/config/load';

// Tests run as root, which reads any file: make one file unreadable by failing its read the way the OS would.
jest.mock('fs', () => {
  const real = jest.requireActual<typeof import('fs')>('fs');
  return {
    ...real,
    readFileSync: (file: string, ...rest: unknown[]) => {
      if (String(file).endsWith('default.json')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return (real.readFileSync as (...a: unknown[]) => unknown)(file, ...rest);
    },
  };
});

test('an unreadable config file has its own message naming the fix', () => {
  let error: unknown;
  try {
    loadConfig('default', path.join(__dirname, '..', 'config'));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems).toEqual([
    { field: '(file)', message: 'cannot be read (EACCES); give your user read permission (chmod u+r)' },
  ]);
});
