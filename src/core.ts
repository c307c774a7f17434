// The core both front doors share: stores, authorization and the confirmation flow over one database and
// one set of MMS clients. bot.ts adds Slack and the watcher around it; tests of operations/ and confirm/
// use it alone.
import { Authz, type GroupMembers } from './authz.js';
import type { Config } from './config.js';
import { ConfirmFlow } from './confirm/flow.js';
import type { MmsClients } from './mms/clients.js';
import type { CredentialSource } from './mms/credentials.js';
import type { Services } from './services.js';
import { AuditStore } from './store/audit.js';
import { ConfirmationStore } from './store/confirmations.js';
import type { Db } from './store/db.js';
import { WatchStore } from './store/watches.js';

export interface CoreOptions {
  config: Config;
  db: Db;
  clients: MmsClients;
  credentials: CredentialSource;
  /** Members of a Slack user group named in MMS_OPERATORS. */
  groupMembers: GroupMembers;
  now: () => number;
}

export function buildCore(o: CoreOptions): { services: Services; flow: ConfirmFlow } {
  const authz = new Authz(o.config, o.groupMembers, o.now);
  const services: Services = {
    config: o.config,
    clients: o.clients,
    credentials: o.credentials,
    authz,
    audit: new AuditStore(o.db, o.now),
    watches: new WatchStore(o.db, o.now),
    confirmations: new ConfirmationStore(o.db, o.now),
  };
  const flow = new ConfirmFlow({
    store: services.confirmations,
    audit: services.audit,
    authz,
    ttlSeconds: o.config.confirmTtlSeconds,
    now: o.now,
  });
  return { services, flow };
}
