// ListMmsDataSourceConfigItems: the settings a data source of each type takes. Demo sources fill the same
// catalog with values (and a few extras), so GetMmsDataSource?withConfig=true has the same shape.
import type { ConfigItem } from './types.js';

type Lang = 'en_US' | 'zh_CN';

interface ItemDef {
  key: string;
  type: string;
  required?: boolean;
  enums?: string[];
  value?: string;
  en: [string, string];
  zh: [string, string];
  subItems?: ItemDef[];
}

const MC_PROJECT: ItemDef = {
  key: 'mc.default.project',
  type: 'string',
  required: true,
  en: ['Default MaxCompute project', 'Target project for databases without a mapping'],
  zh: ['默认 MaxCompute 项目', '未配置映射的库迁移到此项目'],
};
const CONCURRENCY: ItemDef = {
  key: 'migration.max.concurrency',
  type: 'int',
  value: '20',
  en: ['Max concurrency', 'Tasks that may run at once'],
  zh: ['最大并发', '同时运行的任务数'],
};

const HIVE: ItemDef[] = [
  {
    key: 'hive.metastore.url',
    type: 'string',
    required: true,
    en: ['Metastore URIs', 'thrift://host:port, comma separated'],
    zh: ['Metastore 地址', 'thrift://host:port，多个用逗号分隔'],
  },
  {
    key: 'hive.metastore.auth.type',
    type: 'enum',
    enums: ['NONE', 'KERBEROS', 'LDAP'],
    value: 'NONE',
    en: ['Metastore authentication', 'How MMS authenticates to the metastore'],
    zh: ['Metastore 认证方式', 'MMS 访问 Metastore 的认证方式'],
  },
  { key: 'hive.metastore.user', type: 'string', en: ['Metastore user', ''], zh: ['Metastore 用户', ''] },
  {
    key: 'hive.metastore.password',
    type: 'password',
    en: ['Metastore password', ''],
    zh: ['Metastore 密码', ''],
  },
  {
    key: 'hive.auth',
    type: 'group',
    en: ['Hive authentication', 'Kerberos or LDAP settings for HiveServer2'],
    zh: ['Hive 认证', 'HiveServer2 的 Kerberos 或 LDAP 配置'],
    subItems: [
      {
        key: 'kerberos.principal',
        type: 'string',
        en: ['Kerberos principal', ''],
        zh: ['Kerberos principal', ''],
      },
      { key: 'kerberos.keytab.path', type: 'string', en: ['Keytab path', ''], zh: ['Keytab 路径', ''] },
      { key: 'hive.auth.ldap.user', type: 'string', en: ['LDAP user', ''], zh: ['LDAP 用户', ''] },
      { key: 'hive.auth.ldap.password', type: 'password', en: ['LDAP password', ''], zh: ['LDAP 密码', ''] },
    ],
  },
  {
    key: 'hive.jdbc.url',
    type: 'string',
    required: true,
    en: ['HiveServer2 JDBC URL', ''],
    zh: ['HiveServer2 JDBC 地址', ''],
  },
  {
    key: 'hive.jdbc.properties',
    type: 'json',
    en: ['JDBC properties', 'Extra connection properties as a JSON object'],
    zh: ['JDBC 属性', 'JSON 格式的额外连接属性'],
  },
  MC_PROJECT,
  {
    key: 'mc.endpoint',
    type: 'string',
    en: ['MaxCompute endpoint', 'Leave empty for the region default'],
    zh: ['MaxCompute Endpoint', '为空则使用地域默认值'],
  },
  {
    key: 'mc.endpoint.owner',
    type: 'string',
    en: ['Endpoint owner', 'Account that owns the endpoint binding'],
    zh: ['Endpoint 所有者', '绑定 Endpoint 的账号'],
  },
  CONCURRENCY,
  {
    key: 'metadata.refresh.schedule',
    type: 'string',
    en: ['Metadata refresh schedule', 'Cron expression for the scheduled scan (needed by timers)'],
    zh: ['元数据定时刷新', '定时扫描的 Cron 表达式（定时迁移需要）'],
  },
];

const BIGQUERY: ItemDef[] = [
  {
    key: 'bigquery.project.id',
    type: 'string',
    required: true,
    en: ['GCP project id', ''],
    zh: ['GCP 项目 ID', ''],
  },
  {
    key: 'bigquery.location',
    type: 'enum',
    enums: ['US', 'EU', 'asia-east1', 'asia-northeast1', 'asia-southeast1'],
    value: 'US',
    en: ['Dataset location', ''],
    zh: ['数据集位置', ''],
  },
  {
    key: 'bigquery.token',
    type: 'password',
    en: ['OAuth access token', 'Used when no service account is configured'],
    zh: ['OAuth 访问令牌', '未配置服务账号时使用'],
  },
  {
    key: 'bigquery.service.account.secret',
    type: 'group',
    en: ['Service account', 'Fields of the service account key file'],
    zh: ['服务账号', '服务账号密钥文件的字段'],
    subItems: [
      { key: 'client_email', type: 'string', en: ['Client email', ''], zh: ['Client email', ''] },
      { key: 'private_key_id', type: 'string', en: ['Private key id', ''], zh: ['Private key id', ''] },
    ],
  },
  {
    key: 'gcs.staging.bucket',
    type: 'string',
    required: true,
    en: ['GCS staging bucket', 'Exports are staged here'],
    zh: ['GCS 中转桶', '导出数据的暂存位置'],
  },
  MC_PROJECT,
  CONCURRENCY,
];

const MAXCOMPUTE: ItemDef[] = [
  {
    key: 'mc.src.endpoint',
    type: 'string',
    required: true,
    en: ['Source endpoint', ''],
    zh: ['源 Endpoint', ''],
  },
  { key: 'mc.src.project', type: 'string', required: true, en: ['Source project', ''], zh: ['源项目', ''] },
  {
    key: 'mc.access.id',
    type: 'string',
    required: true,
    en: ['AccessKey ID', 'Of an account that can read the source'],
    zh: ['AccessKey ID', '可读源项目的账号'],
  },
  {
    key: 'mc.access.key',
    type: 'password',
    required: true,
    en: ['AccessKey secret', ''],
    zh: ['AccessKey Secret', ''],
  },
  MC_PROJECT,
  { key: 'mc.tunnel.endpoint', type: 'string', en: ['Tunnel endpoint', ''], zh: ['Tunnel Endpoint', ''] },
  CONCURRENCY,
];

const CATALOG: Record<string, ItemDef[]> = { hive: HIVE, bigquery: BIGQUERY, maxcompute: MAXCOMPUTE };

export const CONFIG_SOURCE_TYPES = ['Hive', 'BigQuery', 'MaxCompute'] as const;

function build(def: ItemDef, lang: Lang, values: Record<string, string>): ConfigItem {
  const [name, desc] = lang === 'zh_CN' ? def.zh : def.en;
  return {
    key: def.key,
    name,
    desc,
    type: def.type,
    required: def.required ?? false,
    enums: def.enums ?? [],
    value: values[def.key] ?? def.value ?? '',
    ...(def.subItems
      ? { subItems: Object.fromEntries(def.subItems.map((s) => [s.key, build(s, lang, values)])) }
      : {}),
  };
}

/** The catalog for a source type (case-insensitive), or null for a type MMS has no form for. */
export function configCatalog(
  sourceType: string,
  lang: Lang = 'en_US',
  values: Record<string, string> = {},
): ConfigItem[] | null {
  const defs = CATALOG[sourceType.toLowerCase()];
  return defs ? defs.map((d) => build(d, lang, values)) : null;
}

export function configItem(key: string, value: string, type = 'string'): ConfigItem {
  return { key, name: key, desc: '', type, required: false, enums: [], value };
}
