import * as fs from 'fs';
import * as path from 'path';

/** A Control Tower proactive control as bundled with `@cdklabs/cdk-validator-cfnguard`, read from its guard file. */
export interface GuardRule {
  /** File name without extension, e.g. `ct-s3-pr-1` (what `disabledRules` takes). */
  readonly file: string;
  /** The rule name the validator reports, e.g. `s3_bucket_level_public_access_prohibited_check`. */
  readonly name: string;
  /** The Control Tower control id, e.g. `CT.S3.PR.1`. */
  readonly controlId: string;
  /** The control's title, from the rule's failure message. */
  readonly title: string;
  /** What the control checks, from the file header. */
  readonly description: string;
  /** How to fix a resource that fails, from the rule's `[FIX]` message. */
  readonly fix: string;
  /** The CloudFormation types the rule reports on (its header's "Reports on"). */
  readonly reportsOn: string[];
}

/** A bundled guard file as the scoped validator plans its runs (every file, whether or not its header parses). */
export interface GuardRuleFile {
  /** File name without extension, e.g. `ct-s3-pr-1` (what `disabledRules` takes). */
  readonly name: string;
  /** CloudFormation types the rule file names anywhere (empty: it may look at any resource). */
  readonly types: string[];
  /**
   * The rule looks resources up by logical id (`%doc.Resources[ keys == %resource_key ]`, to follow a `Ref` or
   * `Fn::GetAtt`), so it must also see every resource its resources refer to, whatever the type.
   */
  readonly followsReferences: boolean;
}

let cache: { files: GuardRuleFile[]; rules: GuardRule[] } | undefined;

/** The directory of the Control Tower guard rules bundled with @cdklabs/cdk-validator-cfnguard. */
export function guardRulesDir(): string {
  return path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
}

/** The header field `# <name>:` followed by indented `#   value` lines. */
function headerField(text: string, name: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `# ${name}:`);
  if (start < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    const m = /^#\s{2,}(\S.*)$/.exec(l);
    if (!m) break;
    out.push(m[1].trim());
  }
  return out;
}

/** Every bundled Control Tower rule whose header and messages parse (all of them in 0.0.62), parsed once. */
export function guardRules(): GuardRule[] {
  return parseGuardFiles().rules;
}

/** Every bundled guard file with the resource types it names, from the same single read as {@link guardRules}. */
export function guardRuleFiles(): GuardRuleFile[] {
  return parseGuardFiles().files;
}

function parseGuardFiles(): { files: GuardRuleFile[]; rules: GuardRule[] } {
  if (cache) return cache;
  const files: GuardRuleFile[] = [];
  const rules: GuardRule[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.guard')) {
        const text = fs.readFileSync(p, 'utf8');
        const file = path.parse(e.name).name;
        files.push({
          name: file,
          types: [...new Set(text.match(/["']AWS::[A-Za-z0-9]+::[A-Za-z0-9]+["']/g) ?? [])].map((t) => t.slice(1, -1)),
          followsReferences: /Resources\s*\[\s*keys\s*==/.test(text),
        });
        const name = /^rule\s+(\w+)\s+when/m.exec(text)?.[1] ?? headerField(text, 'Rule Identifier')[0];
        const message = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]:\s*(.+)/.exec(text);
        if (!name || !message) continue;
        rules.push({
          file,
          name,
          controlId: message[1],
          title: message[2].trim(),
          description: headerField(text, 'Description').join(' '),
          fix: /\[FIX\]:\s*(.+)/.exec(text)?.[1].trim() ?? '',
          reportsOn: headerField(text, 'Reports on')
            .flatMap((l) => l.split(','))
            .map((t) => t.trim())
            .filter((t) => /^AWS::\w+::\w+$/.test(t)),
        });
      }
    }
  };
  walk(guardRulesDir());
  cache = { files, rules };
  return cache;
}
