-- Users (multi-user mode): the owners of API keys, with a role, suspension and a daily message
-- limit. There is no password column: the runtime has no login, a person's credential is their
-- API key. The mode itself and the operator's own user live in `meta` (multi_user_mode,
-- operator_user_id), so they are read with the key in one statement.
CREATE TABLE users (
  id                  INTEGER PRIMARY KEY,
  username            TEXT    NOT NULL UNIQUE CHECK (length (username) BETWEEN 2 AND 64),
  role                TEXT    NOT NULL DEFAULT 'default'
                              CHECK (role IN ('admin', 'manager', 'default')),
  suspended           INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
  daily_message_limit INTEGER CHECK (daily_message_limit IS NULL OR daily_message_limit > 0),
  bio                 TEXT    NOT NULL DEFAULT '',
  created_at          INTEGER NOT NULL,
  created_by          TEXT    NOT NULL,
  updated_at          INTEGER NOT NULL
);

-- Every key has an owner in multi-user mode. Deleting a user deactivates their keys in the same
-- transaction; the column then goes NULL, and an ownerless key is refused in multi-user mode.
ALTER TABLE api_keys ADD COLUMN owner_id INTEGER REFERENCES users (id) ON DELETE SET NULL;

CREATE INDEX api_keys_owner ON api_keys (owner_id);
