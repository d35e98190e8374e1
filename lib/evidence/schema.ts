import { z } from 'zod';

/** Version of the evidence.json format. Bump the major version on any incompatible change. */
export const EVIDENCE_SCHEMA_VERSION = '2.0.0';

export const statusSchema = z
  .enum(['met', 'met-with-accepted-finding', 'not-met'])
  .describe('Worst status over the resources of a control');

const rulesSchema = z.object({
  hipaa: z.array(z.string()).describe('cdk-nag HIPAA.Security rule ids'),
  nist: z.array(z.string()).describe('cdk-nag NIST.800.53.R5 rule ids'),
  controlTower: z.array(z.string()).describe('Control Tower proactive control ids (CT.*), run through cfn-guard'),
  strict: z.array(z.string()).describe('HIPAA.Strict rule ids (this project)'),
});

const acceptedSchema = z.object({
  rule: z.string(),
  path: z.string().describe('Construct path the acknowledgement sits on (it covers that subtree)'),
  reason: z.string(),
  compensatingControl: z.string(),
});

export const evidenceSchema = z
  .object({
    schemaVersion: z.literal(EVIDENCE_SCHEMA_VERSION),
    generatedAt: z.string().describe('ISO-8601 time of the synth'),
    provenance: z.object({
      gitCommit: z.string().nullable(),
      gitDirty: z
        .boolean()
        .nullable()
        .describe(
          'The commit alone does not reproduce this pack: tracked changes, untracked files, or a file the synth used that git ignores, does not track, or that lies outside the repository (null outside git)',
        ),
      gitDirtyFiles: z
        .array(z.string())
        .describe('Why gitDirty is true: `git status --porcelain` lines, and the used files git does not hold (at most 100)'),
      configName: z.string(),
      config: z
        .object({
          file: z.string().nullable().describe('The config file, relative to the repository when inside it; null when given in code'),
          sha256: z
            .string()
            .describe('SHA-256 of the config file bytes; with no file, of `content` serialized as 2-space JSON with a final newline'),
          content: z.unknown().describe('The config JSON as loaded (before defaults are filled in)'),
        })
        .describe('The deployment config this pack was synthesized from'),
      environment: z.string(),
      regions: z.object({ primary: z.string(), disasterRecovery: z.string() }),
      account: z.string().nullable(),
      versions: z.object({
        hipaaStack: z.string(),
        awsCdkLib: z.string(),
        cdkNag: z.string(),
        cdkValidatorCfnguard: z.string(),
        guardRules: z.string(),
        node: z.string(),
        cdkCli: z.string().nullable().describe('The CDK CLI that ran the app (CDK_CLI_VERSION); null when not run by it'),
      }),
      templatesDigest: z
        .string()
        .describe(
          'SHA-256 of the `sha256sum` listing of the templates ("<sha256>  <file>\\n" per template, sorted by file), as printed on the page',
        ),
      templates: z.array(
        z.object({
          stack: z.string(),
          region: z.string(),
          file: z.string().describe('Path relative to the cloud assembly'),
          sha256: z.string(),
        }),
      ),
    }),
    summary: z.object({ controls: z.number(), met: z.number(), metWithAcceptedFinding: z.number(), notMet: z.number() }),
    sections: z.array(z.object({ section: z.string(), title: z.string(), controls: z.array(z.string()), status: statusSchema })),
    controls: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        sections: z.array(z.string()),
        status: statusSchema,
        rules: rulesSchema,
        interactions: z
          .array(z.string())
          .optional()
          .describe('Ids of the behavioural interactions and network paths the control relies on (see behaviour)'),
        resources: z.array(
          z.object({
            stack: z.string(),
            logicalId: z.string(),
            path: z.string(),
            type: z.string(),
            status: statusSchema,
            values: z.record(z.string(), z.unknown()).describe('Property values read from the template that prove the control'),
            failed: z.array(z.string()).describe('Rules failing on this resource'),
            accepted: z.array(z.string()).describe('Rules with an accepted finding on this resource'),
          }),
        ),
      }),
    ),
    acceptedFindings: z.array(acceptedSchema),
    dataInventory: z.array(
      z.object({
        stack: z.string(),
        logicalId: z.string(),
        path: z.string(),
        type: z.string(),
        holds: z.string(),
        encryptionKey: z.string(),
        retention: z.string(),
        backup: z.string(),
        replication: z.string(),
        deletion: z.string(),
      }),
    ),
    outOfScope: z.array(z.string()),
    behaviour: z
      .object({
        records: z.array(
          z.object({
            id: z.string(),
            title: z.string(),
            controls: z.array(z.string()),
            expect: z.string(),
            method: z.enum(['policy', 'object-lock', 'network']),
            status: z
              .enum(['proven', 'failed', 'evaluated-in-ci', 'not-provable-offline'])
              .describe('proven/failed: evaluated at evidence build; evaluated-in-ci: by the test suite (test-only evaluator)'),
            how: z.string(),
            detail: z.string(),
          }),
        ),
        notProvableOffline: z.array(z.string()),
      })
      .optional()
      .describe('Behavioural verification: interactions and network paths the design relies on (docs/behavioural-verification.md)'),
    trustCenter: z.array(
      z.object({
        id: z.string(),
        text: z.string().nullable().describe('The plain-language claim; null when a control behind it is not met'),
        gap: z.string().nullable(),
        controls: z.array(z.string()),
      }),
    ),
  })
  .strict();

export type Evidence = z.infer<typeof evidenceSchema>;
export type ControlStatus = z.infer<typeof statusSchema>;
export type ControlEvidence = Evidence['controls'][number];
