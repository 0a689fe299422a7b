/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <libsoup/soup.h>

#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-listener.h"
#include "rtx-router.h"
#include "rtx-server.h"
#include "rtx-server-private.h"
#include "rtx-retriever.h"

/* libsoup's own listeners use GLib's default backlog of 10, which stalls connects under load
 * (security-reliability.md §0.4: p99 496 ms at 200 connections, 14.5 ms with 1024). */
#define LISTEN_BACKLOG 1024

/* With port 0, the port the kernel picks for 127.0.0.1 may be taken on ::1. */
#define MAX_PORT_ATTEMPTS 8

/* Descriptors kept for everything but client connections: listeners, the database and its
 * WAL, the keyring's D-Bus connection, files being read. */
#define RESERVED_FDS 64


enum {
  PROP_0,
  PROP_RUNTIME,
  PROP_PORT,
  PROP_RUNNING,
  PROP_STATE,
  PROP_STATE_REASON,
  N_PROPS,
};

G_DEFINE_ENUM_TYPE (RtxServerState, rtx_server_state,
  G_DEFINE_ENUM_VALUE (RTX_SERVER_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (RTX_SERVER_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (RTX_SERVER_FAILED, "failed"))

G_DEFINE_FINAL_TYPE (RtxServer, rtx_server, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
set_state (RtxServer      *self,
           RtxServerState  state,
           guint16         port,
           const char     *reason)
{
  gboolean was_running = self->state == RTX_SERVER_RUNNING;

  g_object_freeze_notify (G_OBJECT (self));

  if (self->port != port) {
    self->port = port;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  }

  if (g_strcmp0 (self->state_reason, reason) != 0) {
    g_free (self->state_reason);
    self->state_reason = g_strdup (reason);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_REASON]);
  }

  if (self->state != state) {
    self->state = state;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  }

  if (was_running != (state == RTX_SERVER_RUNNING))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  g_object_thaw_notify (G_OBJECT (self));
}

/* ---- Listening --------------------------------------------------------------------------- */

static GSocket *
listen_on (GInetAddress  *address,
           guint16        port,
           GError       **error)
{
  GSocketFamily family = g_inet_address_get_family (address);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;

  /* ::1 is IPv6 only anyway; say so, rather than depend on the system's default. */
  if (family == G_SOCKET_FAMILY_IPV6 &&
      !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, error))
    return NULL;

  socket_address = g_inet_socket_address_new (address, port);
  /* allow_reuse sets SO_REUSEADDR, so a restart is not refused while old connections linger
   * in TIME_WAIT; it does not let two servers listen on the same port. */
  if (!g_socket_bind (socket, socket_address, TRUE, error))
    return NULL;

  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_listen (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}

static guint16
socket_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  if (address == NULL)
    return 0;

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

static void
set_port_in_use_error (GError      **error,
                       guint16       port,
                       const char   *host)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
               "Port %u is already in use on %s. Another RealTimeX Runtime may be running; "
               "stop it or choose another port (--port).", port, host);
}

/* Binds 127.0.0.1 and ::1 on one port. With @port 0 the kernel picks the IPv4 port and ::1
 * follows it, with a few retries when that port happens to be taken on ::1. A host without
 * IPv6 loopback is served on 127.0.0.1 alone. */
static gboolean
bind_loopback (GPtrArray  *sockets,
               guint16     port,
               GError    **error)
{
  g_autoptr(GInetAddress) ipv4 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GInetAddress) ipv6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);

  for (guint attempt = 0; attempt < MAX_PORT_ATTEMPTS; attempt++) {
    g_autoptr(GSocket) v4 = NULL;
    g_autoptr(GSocket) v6 = NULL;
    g_autoptr(GError) local_error = NULL;
    guint16 bound;

    v4 = listen_on (ipv4, port, &local_error);
    if (v4 == NULL) {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        set_port_in_use_error (error, port, "127.0.0.1");
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    "Cannot listen on 127.0.0.1:%u: ", port);
      return FALSE;
    }
    bound = socket_port (v4);

    v6 = listen_on (ipv6, bound, &local_error);
    if (v6 == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE)) {
      if (port != 0) {
        set_port_in_use_error (error, port, "::1");
        return FALSE;
      }
      g_socket_close (v4, NULL);
      continue;
    }

    if (v6 == NULL)
      g_debug ("No IPv6 loopback (%s); serving 127.0.0.1 only", local_error->message);

    g_ptr_array_add (sockets, g_steal_pointer (&v4));
    if (v6 != NULL)
      g_ptr_array_add (sockets, g_steal_pointer (&v6));
    return TRUE;
  }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
               "Found no port free on both 127.0.0.1 and ::1 after %u attempts",
               MAX_PORT_ATTEMPTS);
  return FALSE;
}

static SoupServer *
create_soup_server (RtxServer *self)
{
  /* raw-paths keeps the path percent-encoded, so that the router decodes each segment itself
   * and can tell an encoded slash inside a parameter from a separator. */
  SoupServer *server = g_object_new (SOUP_TYPE_SERVER,
                                     "raw-paths", TRUE,
                                     "server-header", NULL,
                                     NULL);

  rtx_server_dispatch_attach (self, server);
  return server;
}

/* A desktop session's soft limit is often 1024, less than the connections the server keeps
 * plus its own files; the hard limit is usually far higher. Returns the soft limit now. */
static rlim_t
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 1024;

  if (limit.rlim_cur < limit.rlim_max) {
    rlim_t wanted = limit.rlim_max;

    limit.rlim_cur = wanted;
    if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
      g_debug ("Could not raise the descriptor limit: %s", g_strerror (errno));
    getrlimit (RLIMIT_NOFILE, &limit);
  }

  return limit.rlim_cur;
}

static guint
max_connections (void)
{
  rlim_t fds = raise_fd_limit ();

  if (fds == RLIM_INFINITY || fds >= RTX_LISTENER_MAX_CONNECTIONS + RESERVED_FDS)
    return RTX_LISTENER_MAX_CONNECTIONS;

  return fds > 2 * RESERVED_FDS ? (guint) (fds - RESERVED_FDS) : RESERVED_FDS;
}

/* The bindings are checked at every start, so that a server never serves an operation
 * without a handler, whichever router it was given. */
static gboolean
ensure_router (RtxServer  *self,
               GError    **error)
{
  if (self->router == NULL)
    self->router = rtx_router_new (error);

  if (self->router == NULL)
    return FALSE;

  return rtx_router_check_bindings (self->router, error);
}

static gboolean
start_listening (RtxServer  *self,
                 guint16     port,
                 guint16    *out_port,
                 GError    **error)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SoupServer) server = NULL;

  if (!ensure_router (self, error))
    return FALSE;

  if (!bind_loopback (sockets, port, error))
    return FALSE;

  server = create_soup_server (self);
  self->listener = rtx_listener_new (server, sockets, max_connections (), error);
  if (self->listener == NULL) {
    soup_server_disconnect (server);
    return FALSE;
  }

  *out_port = socket_port (g_ptr_array_index (sockets, 0));
  self->soup_server = g_steal_pointer (&server);
  return TRUE;
}

static void
stop_serving (RtxServer *self)
{
  if (self->listener != NULL) {
    rtx_listener_close (self->listener);
    g_clear_object (&self->listener);
  }

  if (self->soup_server != NULL) {
    soup_server_disconnect (self->soup_server);
    g_clear_object (&self->soup_server);
  }
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
rtx_server_dispose (GObject *object)
{
  RtxServer *self = (RtxServer *) object;

  stop_serving (self);
  g_clear_object (&self->router);
  g_clear_object (&self->runtime);

  G_OBJECT_CLASS (rtx_server_parent_class)->dispose (object);
}

static void
rtx_server_finalize (GObject *object)
{
  RtxServer *self = (RtxServer *) object;

  g_clear_pointer (&self->state_reason, g_free);

  G_OBJECT_CLASS (rtx_server_parent_class)->finalize (object);
}

static void
rtx_server_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  RtxServer *self = RTX_SERVER (object);

  switch (prop_id) {
  case PROP_RUNTIME:
    g_value_set_object (value, self->runtime);
    break;
  case PROP_PORT:
    g_value_set_uint (value, self->port);
    break;
  case PROP_RUNNING:
    g_value_set_boolean (value, rtx_server_get_running (self));
    break;
  case PROP_STATE:
    g_value_set_enum (value, self->state);
    break;
  case PROP_STATE_REASON:
    g_value_set_string (value, self->state_reason);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
rtx_server_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  RtxServer *self = RTX_SERVER (object);

  switch (prop_id) {
  case PROP_RUNTIME:
    self->runtime = g_value_dup_object (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
rtx_server_class_init (RtxServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rtx_server_dispose;
  object_class->finalize = rtx_server_finalize;
  object_class->get_property = rtx_server_get_property;
  object_class->set_property = rtx_server_set_property;

  properties[PROP_RUNTIME] =
    g_param_spec_object ("runtime", NULL, NULL,
                         RTX_TYPE_RUNTIME,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /* The port served, or 0 when not running. */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL,
                       0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       RTX_TYPE_SERVER_STATE, RTX_SERVER_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Why the last start failed, for people; %NULL unless the state is FAILED. */
  properties[PROP_STATE_REASON] =
    g_param_spec_string ("state-reason", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rtx_server_init (RtxServer *self)
{
  self->state = RTX_SERVER_STOPPED;
  /* The test suite sets this so that every response is checked against openapi.json. */
  self->check_responses = g_strcmp0 (g_getenv ("RTX_CHECK_RESPONSES"), "1") == 0;
}

/* ---- Public API -------------------------------------------------------------------------- */

/**
 * rtx_server_new:
 * @runtime: the runtime to serve
 *
 * Creates a stopped server. Starting and stopping it never touches @runtime.
 *
 * Returns: (transfer full): a server
 */
RtxServer *
rtx_server_new (RtxRuntime *runtime)
{
  RtxServer *self;

  g_return_val_if_fail (RTX_IS_RUNTIME (runtime), NULL);

  /* Chats served here get their context from the workspace's documents. */
  rtx_rag_install (runtime);
  self = g_object_new (RTX_TYPE_SERVER, "runtime", runtime, NULL);
  /* The embed widget routes open to exactly the origins each embed allowlists. */
  rtx_server_set_embed_origin_func (self, rtx_embed_origin_is_allowed);
  return self;
}

/**
 * rtx_server_start:
 * @self: a server
 * @port: the port, or 0 for any free one
 * @error: return location for an error
 *
 * Listens on 127.0.0.1 and ::1 (only), on the thread-default main context. Refuses to start
 * when openapi.json and the handler tables disagree. A port in use is a
 * %G_IO_ERROR_ADDRESS_IN_USE error. On failure the state becomes %RTX_SERVER_FAILED with the
 * error's message as reason; starting again after a failure or a stop is allowed.
 *
 * Returns: %TRUE when listening
 */
gboolean
rtx_server_start (RtxServer  *self,
                  guint16     port,
                  GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  guint16 bound = 0;

  g_return_val_if_fail (RTX_IS_SERVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state == RTX_SERVER_RUNNING) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_CONFLICT,
                 "The server is already running on port %u", self->port);
    return FALSE;
  }

  if (!start_listening (self, port, &bound, &local_error)) {
    set_state (self, RTX_SERVER_FAILED, 0, local_error->message);
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }

  set_state (self, RTX_SERVER_RUNNING, bound, NULL);
  return TRUE;
}

/**
 * rtx_server_stop:
 * @self: a server
 *
 * Closes the listeners and every open connection. Requests in flight are dropped. Does
 * nothing when the server is not running.
 */
void
rtx_server_stop (RtxServer *self)
{
  g_return_if_fail (RTX_IS_SERVER (self));

  stop_serving (self);
  set_state (self, RTX_SERVER_STOPPED, 0, NULL);
}

RtxRuntime *
rtx_server_get_runtime (RtxServer *self)
{
  g_return_val_if_fail (RTX_IS_SERVER (self), NULL);

  return self->runtime;
}

guint16
rtx_server_get_port (RtxServer *self)
{
  g_return_val_if_fail (RTX_IS_SERVER (self), 0);

  return self->port;
}

gboolean
rtx_server_get_running (RtxServer *self)
{
  g_return_val_if_fail (RTX_IS_SERVER (self), FALSE);

  return self->state == RTX_SERVER_RUNNING;
}

RtxServerState
rtx_server_get_state (RtxServer *self)
{
  g_return_val_if_fail (RTX_IS_SERVER (self), RTX_SERVER_STOPPED);

  return self->state;
}

const char *
rtx_server_get_state_reason (RtxServer *self)
{
  g_return_val_if_fail (RTX_IS_SERVER (self), NULL);

  return self->state_reason;
}

void
rtx_server_set_router (RtxServer *self,
                       RtxRouter *router)
{
  g_return_if_fail (RTX_IS_SERVER (self));
  g_return_if_fail (RTX_IS_ROUTER (router));
  g_return_if_fail (self->soup_server == NULL);

  g_set_object (&self->router, router);
}

/**
 * rtx_server_get_listeners:
 * @self: a server
 *
 * Returns: (transfer container) (element-type GSocket): the listening sockets; %NULL when
 *   not running
 */
GSList *
rtx_server_get_listeners (RtxServer *self)
{
  g_return_val_if_fail (RTX_IS_SERVER (self), NULL);

  if (self->listener == NULL)
    return NULL;

  return rtx_listener_get_sockets (self->listener);
}

/**
 * rtx_server_set_embed_origin_func:
 * @self: a server
 * @func: (nullable): the embeds' origin check
 *
 * Installs the check that lets a foreign `Origin` call `/api/embed/<id>/...` routes.
 */
void
rtx_server_set_embed_origin_func (RtxServer          *self,
                                  RtxEmbedOriginFunc  func)
{
  g_return_if_fail (RTX_IS_SERVER (self));

  self->embed_origin_func = func;
}

RtxRouter *
rtx_server_get_router (RtxServer *self)
{
  g_return_val_if_fail (RTX_IS_SERVER (self), NULL);

  return self->router;
}

guint64
rtx_server_get_handler_calls (RtxServer *self)
{
  g_return_val_if_fail (RTX_IS_SERVER (self), 0);

  return self->handler_calls;
}

RtxListener *
rtx_server_get_listener (RtxServer *self)
{
  g_return_val_if_fail (RTX_IS_SERVER (self), NULL);

  return self->listener;
}
