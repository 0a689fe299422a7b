-- The credentials a person assigned to a local app. An env_var credential goes into the app's
-- environment when the runtime starts it; the others are for the app to read, once granted.
-- Rows name credentials by id, never hold a payload, and go with the app or the credential.
CREATE TABLE local_app_credentials (
  app_id        TEXT    NOT NULL REFERENCES local_apps (id) ON DELETE CASCADE,
  credential_id INTEGER NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  assigned_at   INTEGER NOT NULL,
  assigned_by   TEXT    NOT NULL,
  PRIMARY KEY (app_id, credential_id)
) WITHOUT ROWID;
