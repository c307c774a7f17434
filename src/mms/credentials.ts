// Credentials for MMS from the standard Alibaba Cloud chain (env, profile, ECS RAM role, OIDC), via
// @alicloud/credentials, which refreshes STS credentials itself. Values never leave this module except
// to pop-core's signer; `describe` reports only whether and where from. The package loads on the first
// use, not at start-up: the bot answers /healthz without it.
import type CredentialsModule from '@alicloud/credentials';
import type { PopCredentials } from '@alicloud/pop-core';

export interface CredentialSource {
  get(): Promise<PopCredentials>;
  describe(): Promise<{ configured: boolean; source?: string }>;
}

type CredentialClass = typeof CredentialsModule.default;

async function credentialClass(): Promise<CredentialClass> {
  const mod = (await import('@alicloud/credentials')).default;
  // The package is CommonJS with `exports.default`; under ESM interop the class sits one level down.
  return (mod as unknown as { default?: CredentialClass }).default ?? (mod as unknown as CredentialClass);
}

export function chainCredentials(): CredentialSource {
  let client: InstanceType<CredentialClass> | null = null;
  const load = async () => {
    client ??= new (await credentialClass())();
    const c = await client.getCredential();
    if (!c.accessKeyId || !c.accessKeySecret) throw new Error('the credential chain returned no AccessKey');
    return c;
  };
  return {
    async get() {
      const c = await load();
      return {
        accessKeyId: c.accessKeyId!,
        accessKeySecret: c.accessKeySecret!,
        ...(c.securityToken ? { securityToken: c.securityToken } : {}),
      };
    },
    async describe() {
      try {
        const c = await load();
        return { configured: true, source: c.providerName || c.type || 'credential chain' };
      } catch {
        client = null; // try the chain afresh next time (a profile may appear, a role may attach)
        return { configured: false };
      }
    },
  };
}

/** Fixed credentials: the simulator, the sandbox and tests. */
export function staticCredentials(creds: PopCredentials, source = 'static'): CredentialSource {
  return {
    get: async () => creds,
    describe: async () => ({ configured: true, source }),
  };
}
