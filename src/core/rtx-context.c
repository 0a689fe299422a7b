/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-context.h"

G_DEFINE_BOXED_TYPE (RtxSource, rtx_source, rtx_source_copy, rtx_source_free)

RtxSource *
rtx_source_new (const char *title,
                const char *text,
                const char *location,
                double      score)
{
  RtxSource *source = g_new0 (RtxSource, 1);

  source->title = g_strdup (title);
  source->text = g_strdup (text);
  source->location = g_strdup (location);
  source->score = score;

  return source;
}

RtxSource *
rtx_source_copy (const RtxSource *source)
{
  RtxSource *copy;

  g_return_val_if_fail (source != NULL, NULL);

  copy = rtx_source_new (source->title, source->text, source->location, source->score);
  copy->pinned = source->pinned;
  return copy;
}

void
rtx_source_free (RtxSource *source)
{
  if (source == NULL)
    return;

  g_free (source->title);
  g_free (source->text);
  g_free (source->location);
  g_free (source);
}

G_DEFINE_INTERFACE (RtxContextProvider, rtx_context_provider, G_TYPE_OBJECT)

static void
rtx_context_provider_default_init (RtxContextProviderInterface *iface)
{
}

void
rtx_context_provider_retrieve_async (RtxContextProvider     *self,
                                     const RtxContextQuery  *query,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_return_if_fail (RTX_IS_CONTEXT_PROVIDER (self));
  g_return_if_fail (query != NULL);

  RTX_CONTEXT_PROVIDER_GET_IFACE (self)->retrieve_async (self, query, cancellable, callback,
                                                         user_data);
}

/**
 * rtx_context_provider_retrieve_finish:
 *
 * Returns: (transfer full) (element-type RtxSource): the sources, or %NULL on error
 */
GPtrArray *
rtx_context_provider_retrieve_finish (RtxContextProvider  *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (RTX_IS_CONTEXT_PROVIDER (self), NULL);

  return RTX_CONTEXT_PROVIDER_GET_IFACE (self)->retrieve_finish (self, result, error);
}
