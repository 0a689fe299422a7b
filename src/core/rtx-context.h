/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * RtxSource:
 * @title: the document's title (or file name)
 * @text: the passage given to the model and shown as the citation's text
 * @location: where it comes from: a document path, URL or "attachment:<name>"
 * @score: relevance, higher is better (1.0 for pinned documents and attachments)
 * @pinned: %TRUE when the whole document is pinned to the workspace rather than retrieved
 *
 * One piece of context a chat answer may rest on, and the citation shown for it.
 */
typedef struct {
  char     *title;
  char     *text;
  char     *location;
  double    score;
  gboolean  pinned;
} RtxSource;

#define RTX_TYPE_SOURCE (rtx_source_get_type ())

GType      rtx_source_get_type (void) G_GNUC_CONST;
RtxSource *rtx_source_new      (const char      *title,
                                const char      *text,
                                const char      *location,
                                double           score) G_GNUC_WARN_UNUSED_RESULT;
RtxSource *rtx_source_copy     (const RtxSource *source);
void       rtx_source_free     (RtxSource       *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxSource, rtx_source_free)

/**
 * RtxContextQuery:
 * @workspace_id: the workspace whose documents to search
 * @workspace_slug: its slug
 * @query: the user's message
 * @top_n: at most this many retrieved passages (pinned documents come on top)
 * @similarity_threshold: drop retrieved passages scoring below this (0 keeps all)
 *
 * What a chat asks of the context provider.
 */
typedef struct {
  gint64      workspace_id;
  const char *workspace_slug;
  const char *query;
  guint       top_n;
  double      similarity_threshold;
} RtxContextQuery;

#define RTX_TYPE_CONTEXT_PROVIDER (rtx_context_provider_get_type ())
G_DECLARE_INTERFACE (RtxContextProvider, rtx_context_provider, RTX, CONTEXT_PROVIDER, GObject)

/**
 * RtxContextProviderInterface:
 * @retrieve_async: find the pinned documents and the passages relevant to a query; must not
 *   block the calling main context
 * @retrieve_finish: returns (transfer full) (element-type RtxSource) a #GPtrArray, pinned
 *   sources first, then by decreasing score
 *
 * Where chat gets its context from. The retrieval room (src/rag/) implements it and installs
 * itself with rtx_runtime_set_context_provider(); with none installed a chat has no sources.
 */
struct _RtxContextProviderInterface {
  GTypeInterface parent_iface;

  void       (*retrieve_async)  (RtxContextProvider     *self,
                                 const RtxContextQuery  *query,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data);
  GPtrArray *(*retrieve_finish) (RtxContextProvider     *self,
                                 GAsyncResult           *result,
                                 GError                **error);
};

void       rtx_context_provider_retrieve_async  (RtxContextProvider     *self,
                                                 const RtxContextQuery  *query,
                                                 GCancellable           *cancellable,
                                                 GAsyncReadyCallback     callback,
                                                 gpointer                user_data);
GPtrArray *rtx_context_provider_retrieve_finish (RtxContextProvider     *self,
                                                 GAsyncResult           *result,
                                                 GError                **error);

G_END_DECLS
