// Data source operations: scans, and the source CRUD the bot never uses but the client must support.
import { configItem } from './config-items.js';
import { invalid } from './errors.js';
import { newSource } from './inventory.js';
import { newAsyncTask } from './jobs.js';
import { ensureInventory } from './lifecycle.js';
import type { MmsModel } from './model.js';
import type { BodyParams } from './params.js';
import { jobSettled } from './status.js';
import type { AsyncTaskRec, ConfigItem, ScanRec, SourceRec } from './types.js';

export function createScan(
  m: MmsModel,
  source: SourceRec,
  dbName?: string,
  tableNames: string[] = [],
): ScanRec {
  if (source.status !== 'STARTED') throw invalid(`datasource ${source.name} is stopped`);
  const running = [...m.scans.values()].find((s) => s.sourceId === source.id && s.status === 'SCAN_DOING');
  if (running) throw invalid(`a scan of datasource ${source.name} is already running (scanId ${running.id})`);
  ensureInventory(m, source.id);
  const scan: ScanRec = {
    id: m.nextId('scan'),
    sourceId: source.id,
    status: 'SCAN_DOING',
    progress: 0,
    result: null,
    errorMsg: null,
    startTime: m.now(),
    endTime: null,
    dbName: dbName ?? null,
    tableNames,
    steps: 0,
  };
  m.scans.set(scan.id, scan);
  source.scanId = scan.id;
  return scan;
}

/** `config` may be a ConfigItem list or a plain {key: value} object. */
function readConfig(raw: unknown): ConfigItem[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) {
    return raw.map((item) => {
      const o = item as Record<string, unknown>;
      if (typeof o?.['key'] !== 'string') throw invalid('invalid config: every item needs a key');
      return { ...configItem(o['key'], String(o['value'] ?? '')), ...(o as Partial<ConfigItem>) };
    });
  }
  if (typeof raw === 'object') return Object.entries(raw).map(([k, v]) => configItem(k, String(v)));
  throw invalid('invalid config: expected a list of {key, value} or an object');
}

function mergeConfig(into: ConfigItem[], updates: ConfigItem[]): ConfigItem[] {
  const out = into.map((c) => ({ ...c }));
  for (const u of updates) {
    const hit = out.find((c) => c.key === u.key);
    if (hit) hit.value = u.value;
    else out.push(u);
  }
  return out;
}

export function createSource(m: MmsModel, b: BodyParams): SourceRec {
  const name = b.requiredStr('name');
  const type = b.requiredStr('type');
  const networklink = b.str('networklink');
  if (networklink !== undefined && !/^[^:]+:[a-z0-9-]+$/.test(networklink)) {
    throw invalid(`invalid networklink: ${networklink}, expected <vpcId>:<region>`);
  }
  const source = newSource(m, { name, type, ...(networklink ? { networklink } : {}) });
  source.config = mergeConfig(source.config, readConfig(b.any('config')));
  return source;
}

export const SOURCE_ACTIONS = ['UPDATE_CONFIG', 'START', 'STOP', 'RENAME'] as const;

export function updateSource(m: MmsModel, source: SourceRec, b: BodyParams): AsyncTaskRec {
  const action = b.requiredStr('action');
  switch (action) {
    case 'UPDATE_CONFIG':
      source.config = mergeConfig(source.config, readConfig(b.any('config')));
      break;
    case 'START':
      source.status = 'STARTED';
      break;
    case 'STOP':
      source.status = 'STOPPED';
      break;
    case 'RENAME': {
      const name = b.requiredStr('name');
      if ([...m.sources.values()].some((s) => s.name === name && s.id !== source.id)) {
        throw invalid(`datasource name ${name} already exists`);
      }
      source.name = name;
      break;
    }
    default:
      throw invalid(`invalid action: ${action}, expected one of ${SOURCE_ACTIONS.join(', ')}`);
  }
  source.lastUpdateTime = m.now();
  // A connection test fails the way scans of this source fail.
  const failWith = b.bool('test') ? (source.failScan ?? (source.agentIsOnline ? null : source.errMsg)) : null;
  return newAsyncTask(m, source.id, 'UPDATE_DATASOURCE', { objectId: source.id, failWith });
}

export function deleteSource(m: MmsModel, source: SourceRec): void {
  const running = [...m.jobs.values()].find(
    (j) => j.sourceId === source.id && !j.stopped && !jobSettled(m, j),
  );
  if (running) throw invalid(`datasource ${source.name} has a running job (${running.id}); stop it first`);
  m.removeSource(source.id);
}
