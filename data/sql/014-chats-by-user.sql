-- A user's daily message limit (multi-user mode) counts their exchanges of the last 24 hours
-- before every chat; this keeps that count off a scan of the whole history.
CREATE INDEX workspace_chats_user ON workspace_chats (user_id, created_at)
  WHERE user_id IS NOT NULL;
