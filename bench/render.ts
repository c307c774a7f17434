// Rendering cost and size for big inputs: a page of 5000 tables and a 1 MB task log, against
// JSON.stringify of the same data (the least any renderer must touch).
import type { Page, Table, TaskLog } from '../src/mms/schemas.js';
import { tablesMessage } from '../src/ui/inventory.js';
import { logsMessage } from '../src/ui/tasks.js';
import { heapMb, report, time } from './measure.js';

const ctx = { region: 'cn-hangzhou', defaultRegion: 'cn-hangzhou', now: new Date() };
const source = { id: 2000015, name: 'hive-prod' };
const page: Page<Table> = {
  items: Array.from({ length: 5000 }, (_, i) => ({
    id: i,
    name: `table_${String(i).padStart(5, '0')}_with_a_long_name`,
    dbName: 'sales',
    status: i % 17 === 0 ? 'FAILED' : 'DONE',
    numRows: i * 12345,
    size: i * 1e6,
    hasPartitions: i % 3 === 0,
  })) as Table[],
  pageNum: 1,
  pageSize: 5000,
  total: 5000,
};
const logs: TaskLog[] = Array.from({ length: 20_000 }, (_, i) => ({
  id: i,
  taskId: 7680,
  status: i === 10_000 ? 'DATA_FAILED' : 'DATA_DOING',
  action: `insert overwrite table mc_sales.default.orders partition (ds='2025${i}') select * from sales.orders`,
  msg: i === 10_000 ? 'ODPS-0420095: Access Denied' : 'ok',
  createTime: '2025-06-03 10:15:03',
}));
const task = { id: 7680, status: 'DATA_FAILED', srcDbName: 'sales', srcTableName: 'orders' } as never;

export async function benchRender(): Promise<void> {
  const pager = { command: 'tables 2000015 sales', pageNum: 1, pageSize: 5000, total: 5000 };
  report('rendering 5000 tables', await time('JSON.stringify of the page', () => JSON.stringify(page)), [
    await time('tablesMessage', () => tablesMessage(source, 'sales', page, pager, ctx)),
  ]);
  report(
    'rendering a 1 MB log (20k entries)',
    await time('JSON.stringify of the log', () => JSON.stringify(logs)),
    [await time('logsMessage', () => logsMessage(source, task, logs, ctx))],
  );
  const before = heapMb();
  const kept = Array.from({ length: 20 }, () => tablesMessage(source, 'sales', page, pager, ctx));
  const msg = kept[0]!;
  console.log(
    `  one 5000-table message: ${msg.blocks.length} blocks, ${JSON.stringify(msg.blocks).length} bytes; ` +
      `heap per message ≈ ${((heapMb() - before) / 20).toFixed(3)} MB`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRender();
