-- vinledger schema version 7: witnesses' cosignatures of the checkpoints the
-- operator issued (C2SP tlog-cosignature), each verified against the
-- witness's key before it is stored, so that `prove` and the service hand
-- out checkpoints with every cosignature the log holds.

CREATE TABLE cosignatures (
  checkpoint_id INTEGER NOT NULL REFERENCES checkpoints (id),
  witness       TEXT NOT NULL,  -- the witness's cosigner key (vkey, signature type 0x04)
  line          TEXT NOT NULL,  -- its signature line: "— <name> <base64(key id || time || signature)>\n"
  received      TEXT NOT NULL,  -- RFC 3339 UTC, when the log stored it
  PRIMARY KEY (checkpoint_id, witness)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER cosignatures_no_update BEFORE UPDATE ON cosignatures
BEGIN
  SELECT RAISE(ABORT, 'vinledger: cosignatures are append-only (UPDATE refused)');
END;

CREATE TRIGGER cosignatures_no_delete BEFORE DELETE ON cosignatures
BEGIN
  SELECT RAISE(ABORT, 'vinledger: cosignatures are append-only (DELETE refused)');
END;
