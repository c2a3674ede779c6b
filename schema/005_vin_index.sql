-- vinledger schema version 5: the VIN index (docs/format.md "The VIN index"),
-- a Merkle prefix trie from each chain's key to its head, stored in tiles
-- of eight bit levels (ledger/src/index_tree.h) and written in the same
-- transaction as the entries it indexes.

-- Tile (level, prefix) as it stands from log size `version` on, `version`
-- being one past the seq of the last entry that changed it: the index at
-- size S is, for each (level, prefix), its row with the largest version <= S.
-- `prefix` is the first `level` bytes of a key hash.
CREATE TABLE index_tiles (
  level   INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
  prefix  BLOB NOT NULL,
  version INTEGER NOT NULL CHECK (version > 0),
  content BLOB NOT NULL,
  PRIMARY KEY (level, prefix, version)
) STRICT, WITHOUT ROWID;

-- The audit reads the tiles written between two checkpoints.
CREATE INDEX index_tiles_by_version ON index_tiles (version);

-- A version some checkpoint may need (one at or before the last checkpoint's
-- size) never changes; a later one is replaced by the next write of the same
-- tile, and only by a later version of it.
CREATE TRIGGER index_tiles_keep_checkpointed BEFORE UPDATE ON index_tiles
WHEN OLD.version <= (SELECT coalesce(max(size), 0) FROM checkpoints)
  OR NEW.version <= OLD.version
  OR NEW.level != OLD.level OR NEW.prefix != OLD.prefix
BEGIN
  SELECT RAISE(ABORT, 'vinledger: index tiles a checkpoint covers never change (UPDATE refused)');
END;

CREATE TRIGGER index_tiles_no_delete BEFORE DELETE ON index_tiles
BEGIN
  SELECT RAISE(ABORT, 'vinledger: index tiles are append-only (DELETE refused)');
END;
