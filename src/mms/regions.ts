// The regions MMS serves (MMS.md §2.1), their endpoints and console links.

export interface Region {
  id: string;
  name: string;
  /** us-east-1 and eu-central-1 hosts are inferred from the pattern, not confirmed. */
  hostsVerified: boolean;
}

export const REGIONS: readonly Region[] = [
  { id: 'cn-hangzhou', name: 'China East 1 (Hangzhou)', hostsVerified: true },
  { id: 'cn-shanghai', name: 'China East 2 (Shanghai)', hostsVerified: true },
  { id: 'cn-beijing', name: 'China North 2 (Beijing)', hostsVerified: true },
  { id: 'cn-zhangjiakou', name: 'China North 3 (Zhangjiakou)', hostsVerified: true },
  { id: 'cn-wulanchabu', name: 'China North 6 (Ulanqab)', hostsVerified: true },
  { id: 'cn-shenzhen', name: 'China South 1 (Shenzhen)', hostsVerified: true },
  { id: 'cn-chengdu', name: 'China Southwest 1 (Chengdu)', hostsVerified: true },
  { id: 'cn-hongkong', name: 'China (Hong Kong)', hostsVerified: true },
  { id: 'ap-southeast-5', name: 'Indonesia (Jakarta)', hostsVerified: true },
  { id: 'ap-southeast-1', name: 'Singapore', hostsVerified: true },
  { id: 'ap-northeast-1', name: 'Japan (Tokyo)', hostsVerified: true },
  { id: 'us-east-1', name: 'US (Virginia)', hostsVerified: false },
  { id: 'eu-central-1', name: 'Germany (Frankfurt)', hostsVerified: false },
];

export const REGION_IDS = REGIONS.map((r) => r.id) as [string, ...string[]];

export function regionEndpoint(regionId: string, network: 'public' | 'vpc' = 'public'): string {
  const host = network === 'vpc' ? 'maxcompute-vpc' : 'maxcompute';
  return `https://${host}.${regionId}.aliyuncs.com`;
}

const CONSOLE = 'https://maxcompute.console.aliyun.com';

export const consoleLinks = {
  dataSources: (regionId: string) => `${CONSOLE}/${regionId}/mma/datasource`,
  migration: (regionId: string) => `${CONSOLE}/${regionId}/mma`,
  quotas: (regionId: string) => `${CONSOLE}/${regionId}/quota-manage`,
  projects: (regionId: string) => `${CONSOLE}/${regionId}/project-list`,
  ramPolicies: () => 'https://ram.console.aliyun.com/policies',
  ramRoles: () => 'https://ram.console.aliyun.com/roles',
};
