/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

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
  RtxApiKey         *key;
  char              *actor_name;
  RtxActor           actor;
};

G_DEFINE_BOXED_TYPE (RtxRequest, rtx_request, rtx_request_ref, rtx_request_unref)

static void
rtx_request_clear (RtxRequest *self)
{
  g_clear_object (&self->msg);
  g_clear_object (&self->server);
  g_clear_pointer (&self->operation, rtx_operation_unref);
  g_clear_pointer (&self->params, g_hash_table_unref);
  g_clear_pointer (&self->query, g_hash_table_unref);
  g_clear_pointer (&self->key, rtx_api_key_free);
  g_clear_pointer (&self->actor_name, g_free);
}

/**
 * rtx_request_new:
 * @server: the server that received the request
 * @msg: the message
 * @operation: the operation it was routed to
 * @params: (nullable): path parameters, name → decoded value
 * @query: (nullable): query parameters as libsoup decoded them
 * @key: (transfer full) (nullable): the key that authenticated the request
 *
 * Returns: (transfer full): a request
 */
RtxRequest *
rtx_request_new (RtxServer         *server,
                 SoupServerMessage *msg,
                 RtxOperation      *operation,
                 GHashTable        *params,
                 GHashTable        *query,
                 RtxApiKey         *key)
{
  RtxRequest *self;

  g_return_val_if_fail (RTX_IS_SERVER (server), NULL);
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);
  g_return_val_if_fail (operation != NULL, NULL);

  self = g_atomic_rc_box_new0 (RtxRequest);
  self->server = g_object_ref (server);
  self->msg = g_object_ref (msg);
  self->operation = rtx_operation_ref (operation);
  self->params = params != NULL ? g_hash_table_ref (params) : NULL;
  self->query = query != NULL ? g_hash_table_ref (query) : NULL;
  self->key = key;

  /* The audit log names a key by its id, never by anything secret. */
  if (key != NULL)
    self->actor_name = g_strdup_printf ("key:%" G_GINT64_FORMAT, key->id);
  self->actor.name = self->actor_name;
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

  return &self->actor;
}

void
rtx_request_reply_json (RtxRequest *self,
                        guint       status,
                        JsonNode   *node)
{
  g_return_if_fail (self != NULL);

  rtx_reply_json (self->msg, status, node);
}

/* The error takes the shape of the operation's surface. */
void
rtx_request_reply_error (RtxRequest *self,
                         guint       status,
                         const char *message)
{
  g_return_if_fail (self != NULL);

  rtx_reply_error (self->msg, rtx_request_get_surface (self), status, message);
}

void
rtx_request_reply_gerror (RtxRequest   *self,
                          const GError *error)
{
  g_return_if_fail (self != NULL);

  rtx_reply_gerror (self->msg, rtx_request_get_surface (self), error);
}
