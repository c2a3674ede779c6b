-- vinledger schema version 1: the append-only entry log.
-- Applied on open when PRAGMA user_version < 1 (see ledger/src/store.cpp).

-- Settings fixed at `init`: the log's origin (its checkpoint name).
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- One row per entry. `leaf` holds the exact hashed bytes, JCS(entry); every
-- other column is a lookup copy of something inside it, kept for indexes and
-- re-checked by `audit`.
CREATE TABLE entries (
  seq            INTEGER PRIMARY KEY CHECK (seq >= 0),
  hash           BLOB NOT NULL CHECK (length(hash) = 32),  -- RFC 6962 leaf hash of leaf
  leaf           BLOB NOT NULL,                            -- JCS(entry)
  chain          TEXT NOT NULL,  -- the statement's VIN, or 'party/<id>' for a party entry
  type           TEXT NOT NULL,  -- statement.type
  actor          TEXT NOT NULL,  -- statement.actor
  chain_prev     INTEGER,        -- seq of the previous entry of the same chain (vin_prev)
  statement_hash BLOB NOT NULL UNIQUE CHECK (length(statement_hash) = 32)
                 -- SHA-256 of what the actor signed: a second copy is a replay
) STRICT;

CREATE INDEX entries_by_chain ON entries (chain, seq);

-- The log is append-only: history is evidence.
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN
  SELECT RAISE(ABORT, 'vinledger: entries are append-only (UPDATE refused)');
END;

CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN
  SELECT RAISE(ABORT, 'vinledger: entries are append-only (DELETE refused)');
END;

CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta
BEGIN
  SELECT RAISE(ABORT, 'vinledger: ledger settings are fixed at init (UPDATE refused)');
END;
