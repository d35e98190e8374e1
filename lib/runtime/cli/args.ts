import { parseArgs, ParseArgsConfig } from 'util';

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
    values = parseArgs({ args: argv, options, strict: true }).values;
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
