// The partition filters CreateMmsJob and CreateMmsTimer take (`ds >= '20250101'`), as MMS's syntax is
// documented: comparisons, IN, BETWEEN, AND/OR/NOT and parentheses over partition columns, evaluated on a
// partition's `value` (`ds=20250101/hour=03`). Good enough to pick partitions the way the service would
// and to reject a filter that names a column the table does not have; MMS stays the judge of its syntax.
// Values compare as SQL compares a string partition column: with a quoted literal as text (`ds > '2099'`
// does not match 20250101, `hour = '3'` does not match 03), with a number as a number (`hour = 3` matches 03).

export type PartitionSpec = Record<string, string>;
export type PartitionPredicate = (spec: PartitionSpec) => boolean;

/** `ds=20250101/hour=03` → {ds: '20250101', hour: '03'}. */
export function parsePartitionValue(value: string): PartitionSpec {
  const spec: PartitionSpec = {};
  for (const part of value.split('/')) {
    const i = part.indexOf('=');
    if (i > 0) spec[part.slice(0, i)] = part.slice(i + 1);
  }
  return spec;
}

/**
 * A filter this grammar cannot read, or one that names a column the table does not have. `message`
 * quotes the filter (fit for a 400 response); `reason` says what is wrong without it (fit for a card line).
 */
export class PartitionFilterError extends Error {
  constructor(
    readonly reason: string,
    expr: string | null,
    /** The column named that the table does not have. */
    readonly column?: string,
  ) {
    super(expr === null ? reason : `${reason} in partition filter: ${expr}`);
    this.name = 'PartitionFilterError';
  }
}

type Token = { kind: 'ident' | 'str' | 'num' | 'op' | 'punct'; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|'((?:[^']|'')*)'|"([^"]*)"|(-?\d+(?:\.\d+)?)|(==|!=|<>|<=|>=|=|<|>)|([(),]))/y;
  let pos = 0;
  while (pos < expr.length) {
    if (/^\s*$/.test(expr.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(expr);
    if (!m) {
      const at = pos + (/^\s*/.exec(expr.slice(pos))?.[0].length ?? 0);
      throw new PartitionFilterError(`unexpected character at ${at}: ${expr.slice(at, at + 10)}`, null);
    }
    pos = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'ident', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'str', text: m[2].replace(/''/g, "'") });
    else if (m[3] !== undefined) tokens.push({ kind: 'str', text: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: 'num', text: m[4] });
    else if (m[5] !== undefined) tokens.push({ kind: 'op', text: m[5] });
    else if (m[6] !== undefined) tokens.push({ kind: 'punct', text: m[6] });
  }
  return tokens;
}

interface Literal {
  text: string;
  quoted: boolean;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** A partition value against a literal: as numbers for an unquoted number (if the value reads as one), else as text. */
function cmp(value: string, lit: Literal): number {
  if (!lit.quoted && NUMERIC.test(value)) return Number(value) - Number(lit.text);
  return value < lit.text ? -1 : value > lit.text ? 1 : 0;
}

const OPS: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '==': (c) => c === 0,
  '!=': (c) => c !== 0,
  '<>': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

/** Throws a PartitionFilterError whose message is fit for a 400 response. */
export function compilePartitionFilter(expr: string, columns: readonly string[]): PartitionPredicate {
  const tokens = tokenize(expr);
  let i = 0;
  const peek = () => tokens[i];
  const isWord = (w: string) => peek()?.kind === 'ident' && peek()?.text.toLowerCase() === w;
  const expect = (text: string) => {
    if (peek()?.text !== text) throw new PartitionFilterError(`expected "${text}"`, expr);
    i++;
  };
  const literal = (): Literal => {
    const t = tokens[i++];
    if (!t || (t.kind !== 'str' && t.kind !== 'num'))
      throw new PartitionFilterError('expected a literal', expr);
    return { text: t.text, quoted: t.kind === 'str' };
  };

  const or = (): PartitionPredicate => {
    const parts = [and()];
    while (isWord('or')) {
      i++;
      parts.push(and());
    }
    return (s) => parts.some((p) => p(s));
  };
  const and = (): PartitionPredicate => {
    const parts = [not()];
    while (isWord('and')) {
      i++;
      parts.push(not());
    }
    return (s) => parts.every((p) => p(s));
  };
  const not = (): PartitionPredicate => {
    if (isWord('not')) {
      i++;
      const inner = not();
      return (s) => !inner(s);
    }
    return primary();
  };
  const primary = (): PartitionPredicate => {
    if (peek()?.text === '(') {
      i++;
      const inner = or();
      expect(')');
      return inner;
    }
    const col = tokens[i++];
    if (col?.kind !== 'ident') throw new PartitionFilterError('expected a partition column', expr);
    if (!columns.includes(col.text)) {
      throw new PartitionFilterError(
        `partition column ${col.text} does not exist (partition columns: ${columns.join(', ')})`,
        null,
        col.text,
      );
    }
    const get = (s: PartitionSpec) => s[col.text] ?? '';
    if (isWord('in')) {
      i++;
      expect('(');
      const values = [literal()];
      while (peek()?.text === ',') {
        i++;
        values.push(literal());
      }
      expect(')');
      return (s) => values.some((v) => cmp(get(s), v) === 0);
    }
    if (isWord('between')) {
      i++;
      const lo = literal();
      if (!isWord('and')) throw new PartitionFilterError('expected "and" after between', expr);
      i++;
      const hi = literal();
      return (s) => cmp(get(s), lo) >= 0 && cmp(get(s), hi) <= 0;
    }
    const op = tokens[i++];
    const test = op?.kind === 'op' ? OPS[op.text] : undefined;
    if (!test) throw new PartitionFilterError(`expected a comparison after ${col.text}`, expr);
    const v = literal();
    return (s) => test(cmp(get(s), v));
  };

  if (tokens.length === 0) throw new PartitionFilterError('empty partition filter', null);
  const pred = or();
  if (i < tokens.length) throw new PartitionFilterError(`unexpected "${tokens[i]?.text}"`, expr);
  return pred;
}
