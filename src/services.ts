// What operations may use besides MMS: configuration, stores, authorization.
import type { Authz } from './authz.js';
import type { Config } from './config.js';
import type { MmsClients } from './mms/clients.js';
import type { CredentialSource } from './mms/credentials.js';
import type { AuditStore } from './store/audit.js';
import type { ConfirmationStore } from './store/confirmations.js';
import type { WatchStore } from './store/watches.js';

export interface Services {
  config: Config;
  clients: MmsClients;
  credentials: CredentialSource;
  authz: Authz;
  audit: AuditStore;
  watches: WatchStore;
  confirmations: ConfirmationStore;
}
