import * as fs from 'fs';

/** Output names the stacks export for the runtime tools. */
export const OUTPUT_NAMES = {
  auditBucket: 'AuditBucketName',
  auditKey: 'AuditKeyArn',
  keys: ['AuditKeyArn', 'DatabaseKeyArn', 'BackupKeyArn', 'AppDataKeyArn'],
} as const;

/** Read a `cdk deploy --outputs-file` JSON: stack name → output name → value; returns output name → value. */
export function readOutputsFile(file: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(
      `--outputs ${file}: cannot read it as JSON (${(e as Error).message}); write it with "cdk deploy --outputs-file ${file}"`,
      { cause: e },
    );
  }
  const out: Record<string, string> = {};
  for (const stack of Object.values(raw as Record<string, Record<string, string>>)) Object.assign(out, stack);
  return out;
}

/**
 * The audit bucket and key for a CLI run: explicit `--bucket` / `--audit-key` win, else the outputs file.
 * Also returns every output, for tools that need more.
 */
export function auditTargets(v: { outputs?: string; bucket?: string; 'audit-key'?: string }): {
  bucket?: string;
  auditKey?: string;
  outputs: Record<string, string>;
} {
  const outputs = v.outputs ? readOutputsFile(v.outputs) : {};
  return { bucket: v.bucket ?? outputs[OUTPUT_NAMES.auditBucket], auditKey: v['audit-key'] ?? outputs[OUTPUT_NAMES.auditKey], outputs };
}
