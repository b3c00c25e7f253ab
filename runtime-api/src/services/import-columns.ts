// How an import's CSV is read in people's words: a column by a field's key, its title or its Chinese name
// (名称, 行业), the owner column as ownerId or 负责人, and a choice cell by its value or its Chinese
// name (制造 for manufacturing). Case, spaces and full-width forms do not matter (README: import).
import { choiceNameZh, fieldNameZh, type CompiledPolicy } from '@poolflow/engine';
import type { RowProblem } from './import-rows.js';

/** Columns an export writes besides the fields (transfer routes): an import ignores them. */
export const EXPORT_COLUMNS = ['id', 'state', 'stateLabel', 'owner', 'tags', 'score'];

/** The owner's column: its key, and the name a Chinese sheet gives it (the workspace's 负责人). */
const OWNER = 'ownerId';
const OWNER_ZH = '负责人';

/** A name as compared: full-width forms folded (（ to (), lower case, no spaces. */
const norm = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

interface FieldProp {
  title?: unknown;
  enum?: unknown[];
}

const propsOf = (compiled: CompiledPolicy): Record<string, FieldProp> =>
  compiled.policy.entity.schema.properties as Record<string, FieldProp>;

/**
 * Every name a column may have, normalised, with what it reads: the fields it names (by key, title or
 * Chinese name) or the owner. A name two fields share reads neither: such a column must use a key.
 */
function namesOf(compiled: CompiledPolicy): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const add = (name: unknown, target: string): void => {
    if (typeof name !== 'string' || name.trim() === '') return;
    const key = norm(name);
    const had = names.get(key) ?? [];
    if (!had.includes(target)) names.set(key, [...had, target]);
  };
  for (const [field, prop] of Object.entries(propsOf(compiled))) {
    add(field, field);
    add(prop.title, field);
    add(fieldNameZh(field, prop), field);
  }
  add(OWNER, OWNER);
  add(OWNER_ZH, OWNER);
  return names;
}

/** The one field (or the owner) a name reads, or '' for none or several. */
const onlyTarget = (names: Map<string, string[]>, name: string): string => {
  const targets = names.get(norm(name)) ?? [];
  return targets.length === 1 ? targets[0]! : '';
};

/** What each header cell reads (a field key, ownerId, an export column, or '' for none), or the problems. */
export interface HeaderReading {
  targets: string[];
  problems: RowProblem[];
}

/**
 * Reads a CSV header: each column's field. An export's own columns keep their names (read, then ignored);
 * a column without a name is skipped. Problems, each at `/body/header/<index>`: a column that is no
 * field (unknown-column), one a name two fields share (column-ambiguous), one that reads a field an
 * earlier column reads already (column-repeated: one cell would be dropped).
 */
export function readHeader(compiled: CompiledPolicy, header: string[]): HeaderReading {
  const fields = Object.keys(propsOf(compiled));
  const names = namesOf(compiled);
  const targets = header.map((name): string => {
    if (name === '' || fields.includes(name) || name === OWNER || EXPORT_COLUMNS.includes(name))
      return name;
    return onlyTarget(names, name);
  });
  const problems = header.flatMap((name, i): RowProblem[] => {
    const path = `/body/header/${i}`;
    if (name === '') return [];
    const target = targets[i]!;
    if (target === '') {
      const sharing = names.get(norm(name)) ?? [];
      if (sharing.length > 1)
        return [
          {
            path,
            message: `"${name}" names fields ${sharing.join(' and ')}: write the field's key`,
            code: 'column-ambiguous',
            params: { column: name, fields: sharing },
          },
        ];
      return [
        {
          path,
          message: `"${name}" is not a field of this pool (its fields: ${fields.join(', ')}; and ownerId)`,
          code: 'unknown-column',
          params: { column: name, fields },
        },
      ];
    }
    const first = targets.indexOf(target);
    if (first === i) return [];
    return [
      {
        path,
        message: `repeats column ${first + 1}, "${header[first]}"`,
        code: 'column-repeated',
        params: { column: name, index: i + 1, first: first + 1 },
      },
    ];
  });
  return { targets, problems };
}

/**
 * The choice a cell names in a field with choices (`enum`): itself when it is one, else the one choice
 * whose value or Chinese name it is, compared as names are; anything else is returned as written, for
 * the schema to refuse with the choices it allows.
 */
export function choiceOf(prop: FieldProp | undefined, cell: string): string {
  const choices = prop?.enum;
  if (!Array.isArray(choices) || choices.includes(cell)) return cell;
  const n = norm(cell);
  const named = choices.filter((c): c is string => {
    if (typeof c !== 'string') return false;
    const zh = choiceNameZh(c);
    return norm(c) === n || (zh !== undefined && norm(zh) === n);
  });
  return named.length === 1 ? named[0]! : cell;
}

/**
 * The header row of an import template: the field keys and ownerId in English; in Chinese each field's
 * Chinese name (where it reads that field alone) and 负责人, names an import reads back.
 */
export function templateHeader(compiled: CompiledPolicy, lang: 'en' | 'zh'): string[] {
  const fields = Object.keys(propsOf(compiled));
  if (lang === 'en') return [...fields, OWNER];
  const names = namesOf(compiled);
  return [
    ...fields.map((field) => {
      const zh = fieldNameZh(field, propsOf(compiled)[field]);
      return zh !== undefined && onlyTarget(names, zh) === field ? zh : field;
    }),
    onlyTarget(names, OWNER_ZH) === OWNER ? OWNER_ZH : OWNER,
  ];
}
