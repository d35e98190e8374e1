#!/usr/bin/env node
/**
 * The auditor's tools for the evidence pack:
 *   npm run evidence -- verify <cdk.out>     (manifest digests, templates, evidence rebuilt and compared, pages re-rendered)
 *   npm run evidence -- diff <old cdk.out|evidence.json> <new cdk.out|evidence.json> [--allow-weakening] [--json]
 * Exit codes: 0 ok, 1 mismatch or weakened control, 2 bad arguments or unreadable input.
 */
import { diffEvidence, formatDiff } from './diff';
import { verifyEvidence } from './verify';
import { readEvidence } from './write';

const USAGE = `usage:
  evidence verify <cdk.out>
  evidence diff <old> <new> [--allow-weakening] [--json]`;

export function run(argv: string[], out: (s: string) => void = console.log, err: (s: string) => void = console.error): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(`${USAGE}\nExit codes: 0 ok, 1 mismatch or weakened control, 2 bad arguments or unreadable input.`);
    return 0;
  }
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const args = argv.filter((a) => !a.startsWith('--'));
  const known = new Set(['--allow-weakening', '--json']);
  const unknown = [...flags].filter((f) => !known.has(f));
  if (unknown.length) {
    err(`unknown option ${unknown.join(', ')}; allowed: ${[...known].join(', ')}\n${USAGE}`);
    return 2;
  }
  try {
    if (args[0] === 'verify' && args.length === 2) {
      const r = verifyEvidence(args[1]);
      if (flags.has('--json')) out(JSON.stringify(r, undefined, 2));
      else {
        out(
          (r.ok
            ? `OK: the evidence pack describes exactly the ${r.checked} templates in ${args[1]}: its manifest matches its ${r.files} files, ` +
              'the templates and the inputs; the evidence rebuilt from the templates equals evidence.json; the pages and OSCAL files are rendered from it.'
            : `MISMATCH (${r.problems.length}):\n  ${r.problems.join('\n  ')}`) + `\nBehaviour results: ${r.behaviourResults.summary}`,
        );
        if (r.notes.length) out(`Notes:\n  ${r.notes.join('\n  ')}`);
      }
      return r.ok ? 0 : 1;
    }
    if (args[0] === 'diff' && args.length === 3) {
      const d = diffEvidence(readEvidence(args[1]), readEvidence(args[2]));
      out(flags.has('--json') ? JSON.stringify(d, undefined, 2) : formatDiff(d));
      if (d.weakened.length && !flags.has('--allow-weakening')) {
        err(`${d.weakened.length} control(s) weakened; pass --allow-weakening to accept deliberately.`);
        return 1;
      }
      return 0;
    }
  } catch (e) {
    err(`error: ${(e as Error).message}`);
    return 2;
  }
  err(`expected "verify <cdk.out>" or "diff <old> <new>", got: ${argv.join(' ') || '(nothing)'}\n${USAGE}`);
  return 2;
}

if (require.main === module) process.exitCode = run(process.argv.slice(2));
