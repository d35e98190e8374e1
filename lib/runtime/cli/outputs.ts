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
