import { guardRules, guardRulesDir } from './guard-rules';

export { guardRulesDir };

let cache: Map<string, string> | undefined;

/** Control Tower control id (e.g. `CT.S3.PR.9`) → the guard rule name the validator reports (from the parsed guard files). */
export function controlTowerRuleNames(): Map<string, string> {
  cache ??= new Map(guardRules().map((r) => [r.controlId, r.name]));
  return cache;
}
