-- vinledger schema version 4: the business event each entry asserts
-- (docs/format.md "Event identity"), so that the same event is not recorded
-- twice, and the entries that `void` statements withdraw.
-- Filled for the entries already in the log by the migration itself
-- (ledger/src/event_index.cpp), in the same transaction.

-- One row per entry, a lookup copy of what its hashed bytes say, re-derived
-- by `audit`. `identity` is not unique: a ledger from before this version
-- may already hold the same event twice (verification reports it).
CREATE TABLE event_index (
  seq       INTEGER PRIMARY KEY CHECK (seq >= 0),           -- the entry
  identity  BLOB NOT NULL CHECK (length(identity) = 32),    -- SHA-256 of the event's identity object
  withdraws INTEGER UNIQUE CHECK (withdraws >= 0)           -- a void: the seq of the entry it withdraws
) STRICT;

CREATE INDEX event_index_by_identity ON event_index (identity);

CREATE TRIGGER event_index_no_update BEFORE UPDATE ON event_index
BEGIN
  SELECT RAISE(ABORT, 'vinledger: the event index is append-only (UPDATE refused)');
END;

CREATE TRIGGER event_index_no_delete BEFORE DELETE ON event_index
BEGIN
  SELECT RAISE(ABORT, 'vinledger: the event index is append-only (DELETE refused)');
END;
