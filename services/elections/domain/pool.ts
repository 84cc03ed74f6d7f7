import { parse } from 'csv-parse/sync';

/**
 * The reserve pool (储备库): people vetted by a street office or community as future committee
 * members, with the attributes the city reports on. A bulk import is CSV, all rows or none, with a
 * per-line report (like the roll import):
 *
 *   person_id,name,compounds,party_member,party_branch_secretary,community_committee_member,retired_cadre,deputy_or_cppcc,model_worker,non_owner_exception
 *   P-chen,Chen Hua,donghu xihu,yes,yes,no,no,no,no,
 *   P-lin,Lin Fang,donghu,yes,no,yes,no,no,no,community party secretary (异地担任)
 *
 * `compounds` lists the compounds the person is vetted for, separated by spaces; yes/no columns may
 * be left empty for no; `non_owner_exception`, when given, is the reason the person may sit on a
 * committee of a compound where they own no unit (docs/elections.md).
 */
export const POOL_ATTRIBUTES = ['partyMember', 'partyBranchSecretary', 'communityCommitteeMember', 'retiredCadre', 'deputyOrCppcc', 'modelWorker'] as const;
export type PoolAttribute = (typeof POOL_ATTRIBUTES)[number];
export type PoolAttributes = Record<PoolAttribute, boolean>;

const COLUMN_OF: Record<PoolAttribute, string> = {
  partyMember: 'party_member',
  partyBranchSecretary: 'party_branch_secretary',
  communityCommitteeMember: 'community_committee_member',
  retiredCadre: 'retired_cadre',
  deputyOrCppcc: 'deputy_or_cppcc',
  modelWorker: 'model_worker',
};
export const POOL_COLUMNS = ['person_id', 'name', 'compounds', ...POOL_ATTRIBUTES.map((a) => COLUMN_OF[a]), 'non_owner_exception'] as const;
export const MAX_POOL_ROWS = 2_000;
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface PoolRow {
  line: number;
  personId: string;
  name: string;
  compounds: string[];
  attributes: PoolAttributes;
  nonOwnerException?: string;
}

export interface PoolRowError {
  line: number;
  field: string;
  reason: string;
}

export function parsePoolCsv(csv: string): { rows: PoolRow[]; errors: PoolRowError[] } {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(csv, { columns: true, skip_empty_lines: true, trim: true, info: true, bom: true, relax_column_count: true }) as typeof records;
  } catch (error) {
    const e = error as { lines?: number; message: string };
    return { rows: [], errors: [{ line: e.lines ?? 1, field: '*', reason: `not readable as CSV: ${e.message}` }] };
  }
  const header = csv
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/, 1)[0]!
    .split(',')
    .map((c) => c.trim());
  const missing = POOL_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !(POOL_COLUMNS as readonly string[]).includes(c));
  if (missing.length || unknown.length) {
    const reason = [missing.length ? `missing ${missing.join(', ')}` : '', unknown.length ? `unknown ${unknown.join(', ')}` : ''].filter(Boolean).join('; ');
    return { rows: [], errors: [{ line: 1, field: 'header', reason: `columns must be ${POOL_COLUMNS.join(',')}: ${reason}` }] };
  }
  if (records.length === 0) return { rows: [], errors: [{ line: 2, field: '*', reason: 'the file has no people' }] };
  if (records.length > MAX_POOL_ROWS) return { rows: [], errors: [{ line: MAX_POOL_ROWS + 2, field: '*', reason: `at most ${MAX_POOL_ROWS} people per import` }] };

  const rows: PoolRow[] = [];
  const errors: PoolRowError[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const fail = (field: string, reason: string) => errors.push({ line, field, reason });
    const before = errors.length;
    const personId = record.person_id ?? '';
    if (!ID.test(personId)) fail('person_id', 'letters, digits, _ or -, up to 64');
    else if (seen.has(personId)) fail('person_id', `${personId} already appears on line ${seen.get(personId)}`);
    else seen.set(personId, line);
    const name = record.name ?? '';
    if (name === '' || name.length > 100) fail('name', 'required, at most 100 characters');
    const compounds = (record.compounds ?? '').split(/\s+/).filter(Boolean);
    if (compounds.length === 0 || compounds.length > 50) fail('compounds', 'one to 50 compound ids, separated by spaces');
    else if (compounds.some((c) => !ID.test(c))) fail('compounds', 'compound ids are letters, digits, _ or -');
    else if (new Set(compounds).size !== compounds.length) fail('compounds', 'a compound is listed twice');
    const attributes = {} as PoolAttributes;
    for (const attribute of POOL_ATTRIBUTES) {
      const value = (record[COLUMN_OF[attribute]] ?? '').toLowerCase();
      if (value !== '' && value !== 'yes' && value !== 'no') fail(COLUMN_OF[attribute], 'yes, no or empty');
      attributes[attribute] = value === 'yes';
    }
    const exception = record.non_owner_exception ?? '';
    if (exception.length > 300) fail('non_owner_exception', 'at most 300 characters');
    if (errors.length === before) rows.push({ line, personId, name, compounds, attributes, ...(exception ? { nonOwnerException: exception } : {}) });
  }
  return errors.length ? { rows: [], errors } : { rows, errors };
}

/** Lower-case, normalised text a name search matches against (contains). */
export const searchKey = (name: string): string => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
