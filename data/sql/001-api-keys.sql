-- Runtime metadata (instance id, …) and API keys. A key's plaintext is never stored here: only
-- its SHA-256 digest, for verification, and a display form such as "rtx_…a1b2".
CREATE TABLE meta (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);

CREATE TABLE api_keys (
  id                INTEGER PRIMARY KEY,
  name              TEXT    NOT NULL CHECK (length (name) BETWEEN 1 AND 200),
  digest            BLOB    NOT NULL UNIQUE CHECK (length (digest) = 32),
  display           TEXT    NOT NULL,
  is_admin          INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  created_by        TEXT    NOT NULL,
  created_via       TEXT    NOT NULL,
  created_at        INTEGER NOT NULL,
  replaces_key_id   INTEGER REFERENCES api_keys (id),
  in_keyring        INTEGER NOT NULL DEFAULT 0 CHECK (in_keyring IN (0, 1)),
  last_used_at      INTEGER,
  last_used_surface TEXT,
  deactivated_at    INTEGER,
  deactivated_by    TEXT
);
