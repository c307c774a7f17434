// Numbered schema migrations. Append only: never edit one that has shipped.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'confirmations and audit',
    sql: `
      CREATE TABLE confirmations (
        id            TEXT PRIMARY KEY,
        operation     TEXT NOT NULL,
        region        TEXT NOT NULL,
        params        TEXT NOT NULL,          -- JSON: what will be sent, ids resolved
        view          TEXT NOT NULL,          -- JSON: the card's parameter list and warnings
        lock_key      TEXT,                   -- one pending write per job/timer/source
        team_id       TEXT,
        channel_id    TEXT NOT NULL,
        requested_by  TEXT NOT NULL,
        response_url  TEXT,
        message_ts    TEXT,
        second_approver INTEGER NOT NULL DEFAULT 0,
        state         TEXT NOT NULL DEFAULT 'pending',
        acted_by      TEXT,
        outcome       TEXT,
        created_at    INTEGER NOT NULL,
        expires_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      );
      CREATE INDEX confirmations_lock ON confirmations(lock_key, state);
      CREATE TABLE audit (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          INTEGER NOT NULL,
        team_id     TEXT,
        channel_id  TEXT,
        user_id     TEXT NOT NULL,
        action      TEXT NOT NULL,            -- requested | confirmed | cancelled | rejected | expired | ran | failed | changed
        operation   TEXT NOT NULL,
        confirmation_id TEXT,
        params      TEXT NOT NULL DEFAULT '{}',
        outcome     TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX audit_at ON audit(at);
    `,
  },
  {
    version: 2,
    name: 'watches, outbox and leases',
    sql: `
      CREATE TABLE watches (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        TEXT NOT NULL,            -- job | scan | async
        region      TEXT NOT NULL,
        source_id   INTEGER NOT NULL,
        source_name TEXT NOT NULL,
        object_id   INTEGER NOT NULL,         -- job id, scan id or async task id
        channel_id  TEXT NOT NULL,
        label       TEXT NOT NULL DEFAULT '',
        card_ts     TEXT,                     -- the job's card, edited in place
        state       TEXT NOT NULL DEFAULT '{}', -- JSON: last seen status, counts, failures
        active      INTEGER NOT NULL DEFAULT 1,
        created_by  TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        UNIQUE (kind, region, source_id, object_id, channel_id)
      );
      CREATE INDEX watches_active ON watches(active, kind);
      CREATE TABLE outbox (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        key         TEXT NOT NULL UNIQUE,     -- (watch, event): the same event is never queued twice
        watch_id    INTEGER,
        channel_id  TEXT NOT NULL,
        kind        TEXT NOT NULL,            -- card | update | thread | broadcast
        payload     TEXT NOT NULL,            -- JSON: text and blocks, already redacted
        created_at  INTEGER NOT NULL,
        sent_at     INTEGER,
        result_ts   TEXT,
        attempts    INTEGER NOT NULL DEFAULT 0,
        next_at     INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT
      );
      CREATE INDEX outbox_pending ON outbox(sent_at, next_at);
      CREATE TABLE leases (
        name        TEXT PRIMARY KEY,
        holder      TEXT NOT NULL,
        expires_at  INTEGER NOT NULL
      );
      CREATE TABLE known_jobs (
        region      TEXT NOT NULL,
        source_id   INTEGER NOT NULL,
        job_id      INTEGER NOT NULL,
        seen_at     INTEGER NOT NULL,
        PRIMARY KEY (region, source_id, job_id)
      );
    `,
  },
  {
    version: 3,
    name: 'open forms',
    sql: `
      CREATE TABLE forms (
        id          TEXT PRIMARY KEY,         -- the nonce a modal's private_metadata carries
        kind        TEXT NOT NULL,            -- migrate
        user_id     TEXT NOT NULL,            -- who opened it (and alone may submit it)
        channel_id  TEXT NOT NULL,            -- where it was opened: its card is posted there, nowhere else
        team_id     TEXT,
        region      TEXT NOT NULL,
        created_at  INTEGER NOT NULL
      );
      CREATE INDEX forms_created ON forms(created_at);
    `,
  },
];
