import { parse, printParseErrorCode, visit } from 'jsonc-parser';

/** One problem in a JSON text, with where it is. Never quotes the text around it. */
export interface JsonProblem {
  /** 1-based line and column. */
  readonly line: number;
  readonly column: number;
  /** JSON path of the value concerned (`database.engineVersion`, `tenants[2].id`), when known. */
  readonly path?: string;
  readonly message: string;
}

export type StrictJsonResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problems: JsonProblem[] };

const SYNTAX: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'a property name in double quotes is expected',
  ValueExpected: 'a value is expected',
  ColonExpected: '":" is expected',
  CommaExpected: '"," is expected',
  CloseBraceExpected: '"}" is expected',
  CloseBracketExpected: '"]" is expected',
  EndOfFileExpected: 'nothing may follow the top-level value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut short',
  InvalidUnicode: 'malformed \\u escape',
  InvalidEscapeCharacter: 'malformed escape sequence',
  InvalidCharacter: 'a control character inside a string (escape it)',
};

/** `a.b[2].c` for a JSON path. */
export function formatJsonPath(p: readonly (string | number)[]): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '');
}

/**
 * Parse JSON strictly (RFC 8259 and I-JSON, RFC 7493): no comments, no trailing commas, no duplicate keys
 * (JSON.parse keeps the last one silently), no byte-order mark, no number outside the range of a double
 * (JSON.parse turns 1e400 into Infinity), no empty text. Returns every problem found, each with its line
 * and column, and never the surrounding text (the file may not be the one the caller meant).
 */
export function parseStrictJson(text: string): StrictJsonResult {
  const problems: JsonProblem[] = [];
  let body = text;
  if (body.charCodeAt(0) === 0xfeff) {
    problems.push({
      line: 1,
      column: 1,
      message: 'the file starts with a byte-order mark (U+FEFF); save it as UTF-8 without BOM',
    });
    body = body.slice(1);
  }
  if (body.includes('\ufffd')) {
    const at = position(body, body.indexOf('\ufffd'));
    problems.push({ ...at, message: 'the file is not valid UTF-8; save it as UTF-8' });
  }
  if (body.trim() === '') {
    problems.push({ line: 1, column: 1, message: 'the file is empty; it must hold one JSON object' });
    return { ok: false, problems };
  }
  const keys: Array<Set<string>> = [];
  visit(
    body,
    {
      onObjectBegin: () => {
        keys.push(new Set());
      },
      onObjectEnd: () => {
        keys.pop();
      },
      onObjectProperty: (name, _offset, _len, line, col, path) => {
        const seen = keys[keys.length - 1];
        const at = formatJsonPath([...path(), name]);
        if (seen?.has(name)) {
          problems.push({
            line: line + 1,
            column: col + 1,
            path: at,
            message: `duplicate key "${name}": JSON keeps only the last one; remove one of them`,
          });
        }
        seen?.add(name);
      },
      onLiteralValue: (value: unknown, offset, length, line, col, path) => {
        if (typeof value === 'number' && !Number.isFinite(value)) {
          problems.push({
            line: line + 1,
            column: col + 1,
            path: formatJsonPath(path()) || '(root)',
            message: `number ${body.slice(offset, offset + Math.min(length, 40))} is outside the range of a 64-bit number; use a plain number`,
          });
        }
      },
      onError: (code, _offset, _len, line, col) => {
        const name = printParseErrorCode(code);
        problems.push({ line: line + 1, column: col + 1, message: `syntax error: ${SYNTAX[name] ?? name}` });
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: parse(body, [], { disallowComments: true, allowTrailingComma: false }) as unknown };
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
