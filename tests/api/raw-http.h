/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* HTTP/1.1 over a plain socket, from a thread, while this thread's main context serves the
 * request: for requests a client library would refuse or rewrite (a foreign Host, huge or
 * malformed bodies), and for what arrives on the wire exactly. */

typedef struct {
  guint     status;
  char     *head;    /* status line and headers */
  char     *body;
  gboolean  closed;  /* the server closed the connection */
} RawResponse;

RawResponse *raw_http_exchange      (guint16       port,
                                     const char   *request,
                                     gsize         length);
GString     *raw_http_request       (const char   *method,
                                     const char   *path,
                                     const char   *host,
                                     const char   *headers,
                                     const char   *body,
                                     gsize         body_length);
const char  *raw_response_header    (RawResponse  *response,
                                     const char   *name);
void         raw_response_free      (RawResponse  *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawResponse, raw_response_free)

G_END_DECLS
