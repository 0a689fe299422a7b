-- Local apps (Settings > Local Apps) and the person's permission decisions for each. An app's id
-- is a random UUID that the app presents as `x-app-id`: it is a secret, so nothing logs it.
-- args and env are JSON (a list of strings, an object of strings) as the person entered them.
CREATE TABLE local_apps (
  id          TEXT    PRIMARY KEY NOT NULL CHECK (length (id) = 36),
  name        TEXT    NOT NULL CHECK (length (name) BETWEEN 1 AND 200),
  description TEXT    NOT NULL DEFAULT '',
  type        TEXT    NOT NULL DEFAULT 'custom'
                      CHECK (type IN ('node', 'python', 'npx', 'uvx', 'custom')),
  command     TEXT,
  args        TEXT    NOT NULL DEFAULT '[]',
  working_dir TEXT,
  env         TEXT    NOT NULL DEFAULT '{}',
  port        INTEGER CHECK (port IS NULL OR port BETWEEN 1 AND 65535),
  created_by  TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- No row means "undecided": the app is asked again. A timed-out prompt writes nothing.
CREATE TABLE local_app_permissions (
  app_id     TEXT    NOT NULL REFERENCES local_apps (id) ON DELETE CASCADE,
  permission TEXT    NOT NULL CHECK (length (permission) BETWEEN 1 AND 100),
  granted    INTEGER NOT NULL CHECK (granted IN (0, 1)),
  decided_at INTEGER NOT NULL,
  decided_by TEXT    NOT NULL,
  PRIMARY KEY (app_id, permission)
) WITHOUT ROWID;
