import * as fs from 'fs';
import * as path from 'path';

let cache: Map<string, string> | undefined;

/** The directory of the Control Tower guard rules bundled with @cdklabs/cdk-validator-cfnguard. */
export function guardRulesDir(): string {
  return path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
}

/** Control Tower control id (e.g. `CT.S3.PR.9`) → the guard rule name the validator reports. */
export function controlTowerRuleNames(): Map<string, string> {
  if (cache) return cache;
  cache = new Map();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.guard')) {
        const text = fs.readFileSync(p, 'utf8');
        const id = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]/.exec(text)?.[1];
        const rule = /^rule\s+(\w+)\s+when/m.exec(text)?.[1];
        if (id && rule) cache!.set(id, rule);
      }
    }
  };
  walk(guardRulesDir());
  return cache;
}
