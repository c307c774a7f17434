import { describe, expect, it } from 'vitest';
import { type Diagnosis, type DiagnosisCategory, summarizeDiagnoses } from '../../src/diagnosis/diagnose.js';
import { diagnosisMessage, verificationTable } from '../../src/ui/diagnosis.js';
import { ctx, offCtx, source } from './fixtures.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, runCommands, textOf } from './limits.js';

const verificationMismatch: Diagnosis = {
  taskId: 7680,
  table: 'sales.orders',
  phase: 'VERIFICATION',
  category: 'verification-mismatch',
  cause: 'Row counts differ: the source was written to during the migration.',
  fix: 'Stop writes to sales.orders, then retry the task.',
  command: '/mms retry-task 2000015 7680',
  evidence: [
    "[VERIFICATION_FAILED] select count(*) from sales.orders where ds >= '20250101' → source count 1203331, destination count 1203117",
  ],
  verification: { source: 1203331, destination: 1203117 },
};

const grants: Diagnosis = {
  taskId: 7681,
  table: 'sales.order_items',
  phase: 'SCHEMA',
  category: 'permission-target',
  cause: 'The migration role has no grants in mc_sales.',
  fix: 'Run the grants of /mms setup in mc_sales, then retry.',
  command: '/mms retry-task 2000015 7681',
  link: 'https://maxcompute.console.aliyun.com/cn-hangzhou/project-list',
  evidence: ['[SCHEMA_FAILED] create table … → ODPS-0420095: Access Denied'],
};

describe('diagnosisMessage', () => {
  it('each diagnosis: cause, fix, command as code and a retry button, evidence in a code block', () => {
    const m = diagnosisMessage(
      source,
      'job sales_orders_2025 (#10)',
      summarizeDiagnoses([verificationMismatch, grants]),
      [],
      ctx,
    );
    assertWithinLimits(m);
    const t = textOf(m);
    expect(t).toContain('Diagnosis · job sales_orders_2025 (#10)');
    expect(t).toContain('2 failed tasks');
    expect(t).toContain('*Cause:* Row counts differ');
    expect(t).toContain('*Fix:* Stop writes to sales.orders');
    expect(t).toContain('`/mms retry-task 2000015 7680`');
    expect(t).toContain('```\n[VERIFICATION_FAILED]');
    expect(t).toContain('source 1,203,331 · destination 1,203,117');
    expect(t).toContain('<https://maxcompute.console.aliyun.com/cn-hangzhou/project-list|open>');
    expect(runCommands(m)).toEqual(['retry-task 2000015 7680', 'retry-task 2000015 7681']);
  });
  it('only retry commands become buttons; off-region commands carry --region', () => {
    const scan: Diagnosis = { ...grants, taskId: 1, category: 'table-missing', command: '/mms scan 2000015' };
    const m = diagnosisMessage(
      source,
      'task 1',
      summarizeDiagnoses([scan, verificationMismatch]),
      [],
      offCtx,
    );
    expect(runCommands(m)).toEqual(['retry-task 2000015 7680 --region cn-shanghai']);
    expect(textOf(m)).toContain('`/mms scan 2000015 --region cn-shanghai`');
  });
  it('no diagnoses: says so', () => {
    const m = diagnosisMessage(source, 'job x (#1)', summarizeDiagnoses([]), [], ctx);
    assertWithinLimits(m);
    expect(textOf(m)).toContain('No failed tasks found');
  });
  it('many diagnoses are grouped by category and fit, keeping the verification table', () => {
    const categories: DiagnosisCategory[] = [
      'permission-target',
      'verification-mismatch',
      'quota',
      'schema-mismatch',
      'table-missing',
      'source-connectivity',
      'unknown',
      'schema-layer',
      'partition-filter-empty',
    ];
    const diagnoses: Diagnosis[] = Array.from({ length: 400 }, (_, i) => ({
      ...verificationMismatch,
      taskId: 8000 + i,
      table: `sales.t_${i} ${INJECT}`,
      category: categories[i % categories.length]!,
      cause: `cause ${'c'.repeat(1000)} ${INJECT}`,
      fix: `fix ${'f'.repeat(1000)}`,
      command: `/mms retry-task 2000015 ${8000 + i}`,
      evidence: Array.from({ length: 30 }, () => `evidence ${'e'.repeat(500)} ${INJECT}`),
    }));
    const verification = Array.from({ length: 200 }, (_, i) => ({
      table: `sales.t_${i}`,
      source: 1000 + i,
      destination: i % 3 ? 1000 + i : 990 + i,
      ok: i % 3 !== 0,
    }));
    const m = diagnosisMessage(source, 'job big (#11)', summarizeDiagnoses(diagnoses), verification, ctx);
    assertWithinLimits(m);
    expectNoInjection(m);
    const t = textOf(m);
    expect(t).toContain('400 failed tasks');
    expect(t).toContain('Missing grants in the target project');
    expect(t).toMatch(/\*45 tasks\*/);
    expect(t).toContain('*Verification* (❌ 67 of 200 differ)');
    expect(t).toContain('more tables');
    expect(runCommands(m).length).toBeLessThanOrEqual(10);
    expect(runCommands(m)[0]).toMatch(/^retry-task 2000015 \d+$/);
  });
  it('verification table: source vs destination and the difference', () => {
    const t = verificationTable([
      { table: 'sales.orders', source: 1203331, destination: 1203117, ok: false },
      { table: 'sales.items', source: 5, destination: 5, ok: true },
    ]);
    expect(t).toContain('sales.orders');
    expect(t).toContain('1,203,331');
    expect(t).toContain('1,203,117');
    expect(t).toContain('-214 ✗');
    expect(t).toMatch(/sales\.items\s+5\s+5\s+0 ✓/);
  });
});
