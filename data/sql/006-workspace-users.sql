-- Workspace membership (multi-user mode): a default user's keys see only the workspaces the user
-- is a member of; admins and managers see all.
CREATE TABLE workspace_users (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (user_id, workspace_id)
);

CREATE INDEX workspace_users_workspace ON workspace_users (workspace_id);
