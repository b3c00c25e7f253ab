// Streaming CSV (RFC 4180: quotes, doubled quotes, newlines inside quotes) and CSV writing.
import { StringDecoder } from 'node:string_decoder';

export interface CsvRow {
  /** 1-based line number where the row starts in the file. */
  line: number;
  fields: string[];
}

/** A cell or line past the parser's bound: thrown before it is held in memory. */
export class CellTooLong extends Error {
  constructor(
    readonly line: number,
    readonly max: number,
  ) {
    super(`line ${line} has a cell longer than ${max} characters`);
  }
}

/**
 * The chunks as text, decoded as UTF-8 across their boundaries (a character split between two chunks
 * stays whole), without a leading byte order mark: Excel's "CSV UTF-8" and Windows tools write one,
 * and a header's first quote behind it was read as text (`"name"` not a field), an NDJSON line's as
 * not JSON.
 */
async function* texts(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text !== '') {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    yield text;
  }
  const end = decoder.end();
  if (end !== '') yield end;
}

/**
 * Parses CSV from text chunks, yielding rows as soon as they are complete. A cell longer than
 * `maxCellChars` throws CellTooLong as soon as it passes the bound.
 */
export async function* parseCsv(
  chunks: AsyncIterable<string | Buffer>,
  maxCellChars = Infinity,
): AsyncGenerator<CsvRow> {
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let pendingQuote = false; // saw a quote inside a quoted field: either an escape or the closing one
  let line = 1;
  let rowLine = 1;
  let sawAny = false;
  for await (const text of texts(chunks)) {
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (field.length > maxCellChars) throw new CellTooLong(rowLine, maxCellChars);
      if (quoted) {
        if (pendingQuote) {
          pendingQuote = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          quoted = false; // the quote closed the field; fall through to handle c
        } else if (c === '"') {
          pendingQuote = true;
          continue;
        } else {
          if (c === '\n') line++;
          field += c;
          continue;
        }
      }
      sawAny = true;
      if (c === '"' && field === '') quoted = true;
      else if (c === ',') {
        fields.push(field);
        field = '';
      } else if (c === '\n') {
        fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
        yield { line: rowLine, fields };
        fields = [];
        field = '';
        sawAny = false;
        line++;
        rowLine = line;
      } else field += c;
    }
  }
  if (field.length > maxCellChars) throw new CellTooLong(rowLine, maxCellChars);
  if (sawAny || field !== '' || fields.length > 0) {
    fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
    yield { line: rowLine, fields };
  }
}

/**
 * Text an export guards with a leading `'`: what a spreadsheet would run as a formula (OWASP "CSV
 * injection": a first `=`, `+`, `-`, `@`, tab or CR), and such text already behind `'`s, so that an
 * import, which takes one `'` off, gives back every value as it was (`'=x` -> `''=x` -> `'=x`).
 */
const GUARDED = /^'*[=+\-@\t\r]/;

/** Splits text chunks into lines (LF or CRLF), throwing CellTooLong for a line past `maxChars`. */
export async function* splitLines(
  chunks: AsyncIterable<string | Buffer>,
  maxChars = Infinity,
): AsyncGenerator<string> {
  let line = 1;
  let rest = '';
  for await (const chunk of texts(chunks)) {
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (nl - start > maxChars) throw new CellTooLong(line, maxChars);
      yield text.slice(start, text[nl - 1] === '\r' ? nl - 1 : nl);
      line++;
      start = nl + 1;
    }
    rest = text.slice(start);
    if (rest.length > maxChars) throw new CellTooLong(line, maxChars);
  }
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

/**
 * A CSV cell as an import reads it: the `'` csvCell put before formula-like text is taken off again, so
 * an export imports back as it is (a phone `+86…` stays `+86…`); spreadsheets drop it on save alike.
 */
export function csvText(cell: string): string {
  return cell.startsWith("'") && GUARDED.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/**
 * One CSV cell. Text that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM…`) gets a
 * leading `'`, so it shows as text (GUARDED); numbers stay numbers.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
  if (typeof value !== 'number' && GUARDED.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (with its newline); every export writes through it. */
export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(',')}\n`;
}
