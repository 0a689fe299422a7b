/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-test-context.h"

struct _RtxTestContext {
  GObject    parent_instance;

  GPtrArray *sources;
};

static void context_iface_init (RtxContextProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RtxTestContext, rtx_test_context, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (RTX_TYPE_CONTEXT_PROVIDER,
                                                      context_iface_init))

static void
retrieve_async (RtxContextProvider     *provider,
                const RtxContextQuery  *query,
                GCancellable           *cancellable,
                GAsyncReadyCallback     callback,
                gpointer                user_data)
{
  RtxTestContext *self = RTX_TEST_CONTEXT (provider);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_source_free);

  for (guint i = 0; i < self->sources->len; i++)
    g_ptr_array_add (found, rtx_source_copy (g_ptr_array_index (self->sources, i)));
  g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

static GPtrArray *
retrieve_finish (RtxContextProvider  *provider,
                 GAsyncResult        *result,
                 GError             **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
context_iface_init (RtxContextProviderInterface *iface)
{
  iface->retrieve_async = retrieve_async;
  iface->retrieve_finish = retrieve_finish;
}

static void
rtx_test_context_finalize (GObject *object)
{
  RtxTestContext *self = RTX_TEST_CONTEXT (object);

  g_clear_pointer (&self->sources, g_ptr_array_unref);
  G_OBJECT_CLASS (rtx_test_context_parent_class)->finalize (object);
}

static void
rtx_test_context_class_init (RtxTestContextClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rtx_test_context_finalize;
}

static void
rtx_test_context_init (RtxTestContext *self)
{
  self->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_source_free);
}

RtxTestContext *
rtx_test_context_new (const char * const *titles,
                      const char * const *texts)
{
  RtxTestContext *self = g_object_new (RTX_TYPE_TEST_CONTEXT, NULL);

  for (guint i = 0; titles[i] != NULL; i++) {
    g_autofree char *location = g_strdup_printf ("test/doc-%u.txt", i);

    g_ptr_array_add (self->sources, rtx_source_new (titles[i], texts[i], location, 1.0 - i * 0.01));
  }

  return self;
}
