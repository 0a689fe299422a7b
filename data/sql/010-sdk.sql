-- The SDK's own records (local-app-protocol.md §2.2–§2.4): agents (named prompts), the
-- activities table in the documented Supabase shape, tasks started by webhooks with their agent
-- runs, and the calendar events that put them in front of the person. JSON columns hold text.
CREATE TABLE agents (
  id             INTEGER PRIMARY KEY,
  slug           TEXT    NOT NULL UNIQUE CHECK (length (slug) BETWEEN 1 AND 255),
  name           TEXT    NOT NULL CHECK (length (name) BETWEEN 1 AND 255),
  description    TEXT    NOT NULL DEFAULT '',
  system_prompt  TEXT    NOT NULL DEFAULT '',
  workspace_slug TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);

CREATE TABLE activities (
  id            TEXT    PRIMARY KEY NOT NULL,
  source_app    TEXT    NOT NULL,
  raw_data      TEXT    NOT NULL,
  old_data      TEXT,
  status        TEXT    NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'claimed', 'completed', 'failed')),
  locked_by     TEXT,
  locked_at     TEXT,
  completed_at  TEXT,
  error_message TEXT,
  result        TEXT,
  created_at    TEXT    NOT NULL,
  seq           INTEGER NOT NULL
);

CREATE INDEX activities_status ON activities (status, seq);

CREATE TABLE tasks (
  uuid           TEXT    PRIMARY KEY NOT NULL,
  title          TEXT    NOT NULL,
  status         TEXT    NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  action_type    TEXT    NOT NULL,
  source_app     TEXT    NOT NULL,
  agent_name     TEXT,
  workspace_slug TEXT,
  thread_slug    TEXT,
  raw_data       TEXT    NOT NULL DEFAULT '{}',
  result         TEXT,
  error          TEXT,
  machine_id     TEXT,
  created_at     TEXT    NOT NULL,
  updated_at     TEXT    NOT NULL
);

CREATE TABLE task_runs (
  id             INTEGER PRIMARY KEY,
  task_uuid      TEXT    NOT NULL REFERENCES tasks (uuid) ON DELETE CASCADE,
  agent_name     TEXT    NOT NULL,
  workspace_slug TEXT    NOT NULL,
  thread_slug    TEXT,
  status         TEXT    NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  started_at     TEXT,
  completed_at   TEXT,
  error          TEXT
);

CREATE INDEX task_runs_task ON task_runs (task_uuid);

CREATE TABLE calendar_events (
  uuid       TEXT PRIMARY KEY NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('task', 'activity')),
  title      TEXT NOT NULL,
  source_app TEXT NOT NULL,
  task_uuid  TEXT REFERENCES tasks (uuid) ON DELETE SET NULL,
  ref_id     TEXT,
  status     TEXT NOT NULL DEFAULT 'pending_review',
  created_at TEXT NOT NULL
);
