// Streaming CSV (RFC 4180: quotes, doubled quotes, newlines inside quotes) and CSV writing.

export interface CsvRow {
  /** 1-based line number where the row starts in the file. */
  line: number;
  fields: string[];
}

/** Parses CSV from text chunks, yielding rows as soon as they are complete. */
export async function* parseCsv(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<CsvRow> {
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let pendingQuote = false; // saw a quote inside a quoted field: either an escape or the closing one
  let line = 1;
  let rowLine = 1;
  let sawAny = false;
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
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
  if (sawAny || field !== '' || fields.length > 0) {
    fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
    yield { line: rowLine, fields };
  }
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(',')}\n`;
}
