// @alicloud/pop-core ships no types; this covers the ROA client as src/mms/client.ts uses it.
declare module '@alicloud/pop-core' {
  export interface PopCredentials {
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
  }
  export interface ROAClientConfig {
    endpoint: string;
    apiVersion: string;
    accessKeyId?: string;
    accessKeySecret?: string;
    securityToken?: string;
    credentialsProvider?: { getCredentials(): Promise<PopCredentials> };
    opts?: Record<string, unknown>;
  }
  export class ROAClient {
    constructor(config: ROAClientConfig);
    request(
      method: string,
      path: string,
      query?: Record<string, string>,
      body?: string,
      headers?: Record<string, string>,
      opts?: Record<string, unknown>,
    ): Promise<unknown>;
  }
  const PopCore: { ROAClient: typeof ROAClient };
  export default PopCore;
}
