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

/** A page of 100 task logs: SQL in `action`, stack traces and error text in `msg` (free text, most of the cost). */
const logs = Array.from({ length: 100 }, (_, i) => ({
  id: 90000 + i,
  taskId: 7620,
  sourceId: 2000015,
  status: i % 10 === 9 ? 'DATA_FAILED' : 'DATA_DOING',
  action:
    i % 3 === 0
      ? `SELECT default.odps_data_dump_multi('BearerToken', 'eyJhbGciOiJIUzI1NiJ9${'x'.repeat(40)}${i}', ` +
        `'http://service.cn-hangzhou-vpc.maxcompute.aliyun-inc.com/api', '', 'mc_sales', 'default', ` +
        `'orders_${i}', 'id,amount,ds', 'ds', \`id\`, \`amount\`, \`ds\`) FROM sales.orders_${i} WHERE ds='2025-06-0${i % 9}'`
      : `select count(*) from sales.orders_${i} where ds='2025-06-01';`,
  msg:
    i % 10 === 9
      ? 'java.sql.SQLException: Error while processing statement: FAILED: Execution Error, return code 2 from ' +
        'org.apache.hadoop.hive.ql.exec.mr.MapRedTask\n\tat org.apache.hive.jdbc.HiveStatement.execute(HiveStatement.java:401)\n' +
        'Caused by: java.io.IOException: Malformed ORC file hdfs://nn:8020/warehouse/sales.db/orders/ds=2025-06-01/000000_0. Invalid postscript.'
      : `start to execute hive sql, yarn application name is mms_task_${i}`,
  createTime: '2025-06-03 10:00:00',
}));

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
  report(
    'redaction (per MMS response)',
    await time('deep copy via JSON, page of 100 task logs', () => copy(logs)),
    [await time('redact, page of 100 task logs', () => redact(logs))],
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRedact();
