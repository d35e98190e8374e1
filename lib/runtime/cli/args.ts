import { parseArgs, ParseArgsConfig } from 'util';
import { SetupError } from '../setup-error';

export { SetupError };

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true }>>['values'];

/**
 * Parse a CLI's options strictly (unknown options and positionals are errors) and check the required
 * ones. On a problem, prints it with the usage line and returns undefined: the caller exits with code 2.
 */
export function parseCliArgs<const O extends Options>(
  argv: string[],
  options: O,
  required: ReadonlyArray<keyof O & string>,
  usage: string,
  err: (s: string) => void,
): Values<O> | undefined {
  let values: Values<O>;
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, tokens: true });
    values = parsed.values;
    // parseArgs keeps the last of a repeated option silently; a repeat is a mistake unless the option is a list.
    const seen = new Set<string>();
    for (const t of parsed.tokens) {
      if (t.kind !== 'option' || options[t.name]?.multiple) continue;
      if (seen.has(t.name)) throw new Error(`--${t.name} is given more than once; give it once`);
      seen.add(t.name);
    }
  } catch (e) {
    err(`${(e as Error).message}\n${usage}`);
    return undefined;
  }
  for (const name of required) {
    if (!(values as Record<string, unknown>)[name]) {
      err(`--${name} is required\n${usage}`);
      return undefined;
    }
  }
  return values;
}

/** Run a CLI's main when the file is executed directly, setting the exit code it returns. */
export function runWhenMain(mod: NodeModule, main: (argv: string[]) => Promise<number>): void {
  if (require.main === mod) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}

/** Exit codes shared by every command: 0 as expected, 1 findings (drift, a break, a refusal), 2 the caller's set-up or arguments. */
export const EXIT = { ok: 0, findings: 1, setup: 2 } as const;

/** Whether the arguments ask for help (`--help` or `-h` anywhere). */
export function helpRequested(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Parse a command's arguments: `--help` prints the usage (exit 0); a parse error or a missing required option
 * prints the problem and the usage (exit 2). Otherwise returns the values.
 */
export function parseCommand<const O extends Options>(
  argv: string[],
  spec: { readonly options: O; readonly required?: ReadonlyArray<keyof O & string>; readonly usage: string },
  out: (s: string) => void,
  err: (s: string) => void,
): { readonly values: Values<O> } | { readonly exit: number } {
  if (helpRequested(argv)) {
    out(spec.usage);
    return { exit: EXIT.ok };
  }
  const values = parseCliArgs(argv, spec.options, spec.required ?? [], spec.usage, err);
  return values ? { values } : { exit: EXIT.setup };
}
