/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-error.h"
#include "rtx-reply.h"
#include "rtx-request.h"

/**
 * RtxRequest:
 *
 * One routed and authenticated request, as a handler sees it: the message, the runtime it
 * serves, the operation, the decoded path parameters and query, and the API key that
 * authenticated it (or none, on public operations). Reference counted, so that a handler that
 * answers later (pausing the message) keeps it alive.
 */
struct _RtxRequest {
  SoupServerMessage *msg;
  RtxServer         *server;
  RtxOperation      *operation;
  GHashTable        *params;
  GHashTable        *query;
  RtxCaller          caller;
  RtxApiKey         *key;            /* caller.key, for short */
  JsonNode          *body;
  char              *identity;
  char              *actor_name;
  RtxActor           actor;

  /* The main context's thread: the message and the server are not thread-safe. */
  GThread           *thread;

  /* Set by rtx_request_pause(): the client may go away while the handler works. */
  GCancellable      *cancellable;
  gulong             finished_id;
  gboolean           paused;
  gboolean           finished;
};

G_DEFINE_BOXED_TYPE (RtxRequest, rtx_request, rtx_request_ref, rtx_request_unref)

static void
rtx_request_clear (RtxRequest *self)
{
  /* A worker must never hold a request last (see rtx_thread_task_new()): the message and the
   * server would be finalized there, racing with the main loop. */
  if G_UNLIKELY (self->thread != g_thread_self ())
    g_critical ("A request to %s was released off the main thread",
                rtx_operation_get_id (self->operation));
  g_clear_signal_handler (&self->finished_id, self->msg);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->msg);
  g_clear_object (&self->server);
  g_clear_pointer (&self->operation, rtx_operation_unref);
  g_clear_pointer (&self->params, g_hash_table_unref);
  g_clear_pointer (&self->query, g_hash_table_unref);
  rtx_caller_clear (&self->caller);
  self->key = NULL;
  g_clear_pointer (&self->body, json_node_unref);
  g_clear_pointer (&self->identity, g_free);
  g_clear_pointer (&self->actor_name, g_free);
}

/* The names below are made on first use, as most requests never need them; a handler may ask
 * from a worker thread while the main thread does too, so the first one stored wins. */
static const char *
set_once (char **slot,
          char  *value)
{
  if (g_atomic_pointer_get (slot) == NULL &&
      g_atomic_pointer_compare_and_exchange (slot, NULL, value))
    return value;

  g_free (value);
  return g_atomic_pointer_get (slot);
}

/**
 * rtx_request_new:
 * @server: the server that received the request
 * @msg: the message
 * @operation: the operation it was routed to
 * @params: (nullable): path parameters, name → decoded value
 * @query: (nullable): query parameters as libsoup decoded them
 * @caller: (nullable): who made the request; its contents are taken over and it is left
 *   cleared
 * @body: (transfer full) (nullable): the request body, parsed and validated
 *
 * Returns: (transfer full): a request
 */
RtxRequest *
rtx_request_new (RtxServer         *server,
                 SoupServerMessage *msg,
                 RtxOperation      *operation,
                 GHashTable        *params,
                 GHashTable        *query,
                 RtxCaller         *caller,
                 JsonNode          *body)
{
  RtxRequest *self;

  g_return_val_if_fail (RTX_IS_SERVER (server), NULL);
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);
  g_return_val_if_fail (operation != NULL, NULL);

  self = g_atomic_rc_box_new0 (RtxRequest);
  self->thread = g_thread_self ();
  self->server = g_object_ref (server);
  self->msg = g_object_ref (msg);
  self->operation = rtx_operation_ref (operation);
  self->params = params != NULL ? g_hash_table_ref (params) : NULL;
  self->query = query != NULL ? g_hash_table_ref (query) : NULL;
  if (caller != NULL) {
    self->caller = *caller;
    memset (caller, 0, sizeof *caller);
  }
  self->key = self->caller.key;
  self->body = body;
  self->actor.surface = rtx_surface_to_string (rtx_operation_get_surface (operation));

  return self;
}

RtxRequest *
rtx_request_ref (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
rtx_request_unref (RtxRequest *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) rtx_request_clear);
}

SoupServerMessage *
rtx_request_get_message (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->msg;
}

RtxServer *
rtx_request_get_server (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->server;
}

RtxRuntime *
rtx_request_get_runtime (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return rtx_server_get_runtime (self->server);
}

RtxOperation *
rtx_request_get_operation (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->operation;
}

RtxSurface
rtx_request_get_surface (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, RTX_SURFACE_STANDARD);

  return rtx_operation_get_surface (self->operation);
}

/**
 * rtx_request_get_param:
 * @self: a request
 * @name: a path parameter of the operation's template, e.g. `slug`
 *
 * Returns: (nullable): the percent-decoded value, never empty, never containing `/` or NUL
 */
const char *
rtx_request_get_param (RtxRequest *self,
                       const char *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return self->params != NULL ? g_hash_table_lookup (self->params, name) : NULL;
}

/**
 * rtx_request_get_query:
 * @self: a request
 * @name: a query parameter
 *
 * Returns: (nullable): the decoded value, or %NULL when absent
 */
const char *
rtx_request_get_query (RtxRequest *self,
                       const char *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return self->query != NULL ? g_hash_table_lookup (self->query, name) : NULL;
}

/**
 * rtx_request_get_key:
 * @self: a request
 *
 * Returns: (nullable): the key that authenticated the request; %NULL on public operations
 */
const RtxApiKey *
rtx_request_get_key (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->key;
}

/**
 * rtx_request_get_caller:
 * @self: a request
 *
 * Returns: (transfer none): who made the request: a key, a local app, or nobody
 */
const RtxCaller *
rtx_request_get_caller (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->caller;
}

/**
 * rtx_request_get_identity:
 * @self: a request
 *
 * Returns: (nullable): the SDK identity of the caller (rtx_caller_identity())
 */
const char *
rtx_request_get_identity (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (g_atomic_pointer_get (&self->identity) != NULL ||
      (self->key == NULL && self->caller.app == NULL))
    return g_atomic_pointer_get (&self->identity);
  return set_once (&self->identity, rtx_caller_identity (&self->caller));
}

/**
 * rtx_request_get_body:
 * @self: a request
 *
 * The JSON body, already checked against the operation's request body schema.
 *
 * Returns: (transfer none) (nullable): the body, or %NULL when the request had none
 */
JsonNode *
rtx_request_get_body (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->body;
}

/**
 * rtx_request_take_body:
 * @self: a request
 *
 * Hands the body over, for a handler that is done with a large body and frees it in its
 * worker rather than on the main context (the nodes of a 16 MiB vector upsert take about
 * 150 ms to free). The handler must hold no other reference into the body, and nothing reads
 * the request's body afterwards: rtx_request_get_body() returns %NULL.
 *
 * Returns: (transfer full) (nullable): the body
 */
JsonNode *
rtx_request_take_body (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_pointer_exchange (&self->body, NULL);
}

/**
 * rtx_request_get_actor:
 * @self: a request
 *
 * Who acts, for the audit log: `key:<id>` through the operation's surface. The name is %NULL
 * on public operations.
 *
 * Returns: (transfer none): the actor, valid as long as @self
 */
const RtxActor *
rtx_request_get_actor (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  /* The audit log names a key by its id and an app by its name, never by anything secret. */
  if (g_atomic_pointer_get (&self->actor_name) != NULL)
    self->actor.name = g_atomic_pointer_get (&self->actor_name);
  else if (self->key != NULL)
    self->actor.name = set_once (&self->actor_name,
                                 g_strdup_printf ("key:%" G_GINT64_FORMAT, self->key->id));
  else if (self->caller.app != NULL)
    self->actor.name = set_once (&self->actor_name,
                                 g_strdup_printf ("app:%s", self->caller.app->name));

  return &self->actor;
}

static void
on_finished_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  RtxRequest *self = user_data;

  self->finished = TRUE;
  g_cancellable_cancel (self->cancellable);
}

/**
 * rtx_request_pause:
 * @self: a request
 *
 * For a handler that answers later, from a worker's callback on the main context: pauses the
 * message; the handler keeps a reference on @self (as the callback's data) until it replies.
 * The reply functions then unpause it, or do nothing at all if the client went away meanwhile;
 * the returned cancellable is cancelled then, so that the work can stop early.
 *
 * Returns: (transfer none): a cancellable tied to the client's connection
 */
GCancellable *
rtx_request_pause (RtxRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (!self->paused, NULL);

  if (self->cancellable == NULL) {
    self->cancellable = g_cancellable_new ();
    self->finished_id = g_signal_connect (self->msg, "finished", G_CALLBACK (on_finished_cb),
                                          self);
  }
  self->paused = TRUE;
  soup_server_message_pause (self->msg);
  return self->cancellable;
}

/* Whether a reply can still be written: not once the client has gone. */
static gboolean
reply_begin (RtxRequest *self)
{
  if (self->finished)
    g_debug ("Dropped the reply to %s: the client has gone",
             rtx_operation_get_id (self->operation));
  return !self->finished;
}

static void
reply_end (RtxRequest *self)
{
  if (self->paused) {
    self->paused = FALSE;
    soup_server_message_unpause (self->msg);
  }
}

void
rtx_request_reply_json (RtxRequest *self,
                        guint       status,
                        JsonNode   *node)
{
  g_return_if_fail (self != NULL);

  if (!reply_begin (self))
    return;
  rtx_reply_json (self->msg, status, node);
  reply_end (self);
}

/* The error takes the shape of the operation's surface. */
void
rtx_request_reply_error (RtxRequest *self,
                         guint       status,
                         const char *message)
{
  g_return_if_fail (self != NULL);

  if (!reply_begin (self))
    return;
  rtx_reply_error (self->msg, rtx_request_get_surface (self), status, message);
  reply_end (self);
}

void
rtx_request_reply_gerror (RtxRequest   *self,
                          const GError *error)
{
  g_return_if_fail (self != NULL);

  if (!reply_begin (self))
    return;
  rtx_reply_gerror (self->msg, rtx_request_get_surface (self), error);
  reply_end (self);
}
