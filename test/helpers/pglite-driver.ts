/**
 * Runs SQL steps on a fresh in-process PostgreSQL (PGlite) and prints one JSON result per step. Started as a
 * child process by test/helpers/pglite.ts: PGlite loads its WebAssembly with dynamic imports, which Jest's
 * module sandbox does not allow. A step may hold several statements (the last one's rows are returned). Input (stdin): `[{ as?: role, sql }]`; `as` runs the step under
 * SET SESSION AUTHORIZATION (default: the bootstrap superuser `postgres`).
 */
import { PGlite } from '@electric-sql/pglite';

interface Step {
  readonly as?: string;
  readonly sql: string;
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const steps = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Step[];
  const db = await PGlite.create();
  const results: Array<{ rows?: unknown[]; error?: string }> = [];
  let current: string | undefined;
  for (const step of steps) {
    try {
      // Switch only when the role changes (a switch is refused inside a failed transaction). PGlite's
      // RESET SESSION AUTHORIZATION does not return to the bootstrap superuser, so name it.
      if (step.as !== current) {
        await db.exec(`SET SESSION AUTHORIZATION "${step.as ?? 'postgres'}"`);
        current = step.as;
      }
      const out = await db.exec(step.sql);
      results.push({ rows: out.length ? out[out.length - 1].rows : [] });
    } catch (e) {
      results.push({ error: (e as Error).message });
    }
  }
  await db.close();
  process.stdout.write(JSON.stringify(results));
}

main().catch((e: unknown) => {
  process.stderr.write(String(e));
  process.exit(1);
});
