-- vinledger schema version 2: the RFC 6962 Merkle tree over all entries,
-- stored in tiles (the C2SP tlog-tiles layout; ledger/src/merkle_tree.h),
-- and the checkpoints the operator has issued.

-- Tile (level, idx) holds the hashes of tree nodes at tree level 8*level,
-- indices idx*256 .. idx*256+width-1, concatenated (width*32 bytes). The
-- right-edge tile of each level is partial and grows as entries arrive.
CREATE TABLE tiles (
  level  INTEGER NOT NULL CHECK (level >= 0),
  idx    INTEGER NOT NULL CHECK (idx >= 0),
  hashes BLOB NOT NULL CHECK (length(hashes) % 32 = 0 AND length(hashes) BETWEEN 32 AND 8192),
  PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

-- A tile only ever grows: a full tile never changes, and a partial one is
-- replaced only by a longer one that begins with it.
CREATE TRIGGER tiles_only_grow BEFORE UPDATE ON tiles
WHEN length(OLD.hashes) = 8192
  OR length(NEW.hashes) <= length(OLD.hashes)
  OR substr(NEW.hashes, 1, length(OLD.hashes)) != OLD.hashes
  OR NEW.level != OLD.level OR NEW.idx != OLD.idx
BEGIN
  SELECT RAISE(ABORT, 'vinledger: tree tiles only grow (UPDATE refused)');
END;

CREATE TRIGGER tiles_no_delete BEFORE DELETE ON tiles
BEGIN
  SELECT RAISE(ABORT, 'vinledger: tree tiles are append-only (DELETE refused)');
END;

-- Every checkpoint `vinledger checkpoint` (or `prove`) issued: the signed
-- note exactly as printed, so auditors can list what the operator committed to.
CREATE TABLE checkpoints (
  id     INTEGER PRIMARY KEY,
  size   INTEGER NOT NULL CHECK (size >= 0),
  root   BLOB NOT NULL CHECK (length(root) = 32),
  issued TEXT NOT NULL,  -- RFC 3339 UTC
  note   TEXT NOT NULL   -- the C2SP signed note
) STRICT;

CREATE INDEX checkpoints_by_size ON checkpoints (size);

CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN
  SELECT RAISE(ABORT, 'vinledger: checkpoints are append-only (UPDATE refused)');
END;

CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN
  SELECT RAISE(ABORT, 'vinledger: checkpoints are append-only (DELETE refused)');
END;
