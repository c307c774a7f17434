// Redaction cost: a data source with config (withConfig) and a page of 100 tables, against a plain deep
// copy (JSON round trip) of the same data.
import { redact } from '../src/mms/redact.js';
import { report, time } from './measure.js';

const source = {
  id: 2000015,
  name: 'hive-prod',
  errMsg: 'auth failed for LTAI5tQ8nR2vX7mK9pW3bJ6d',
  config: Array.from({ length: 30 }, (_, i) => ({
    key: i % 5 === 0 ? `hive.option${i}.password` : `hive.option${i}`,
    type: 'string',
    value:
      i % 7 === 0 ? JSON.stringify({ user: 'u', password: 'p', nested: [{ token: 't' }] }) : `value-${i}`,
    subItems: i % 9 === 0 ? [{ key: 'secret', value: 's' }] : null,
  })),
};
const tables = {
  objectList: Array.from({ length: 100 }, (_, i) => ({
    id: i,
    name: `table_${i}`,
    dbName: 'sales',
    status: 'DONE',
    numRows: i * 1000,
    schema: { columns: Array.from({ length: 12 }, (_, c) => ({ name: `c${c}`, type: 'string' })) },
  })),
  total: 5000,
};

export async function benchRedact(): Promise<void> {
  const copy = (x: unknown) => JSON.parse(JSON.stringify(x));
  report(
    'redaction (per MMS response)',
    await time('deep copy via JSON, data source with config', () => copy(source)),
    [await time('redact, data source with config', () => redact(source))],
  );
  report(
    'redaction (per MMS response)',
    await time('deep copy via JSON, page of 100 tables', () => copy(tables)),
    [await time('redact, page of 100 tables', () => redact(tables))],
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRedact();
