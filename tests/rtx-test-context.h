/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-context.h"

G_BEGIN_DECLS

/* A context provider for tests: every query finds the same documents, given as title/text
 * pairs. It stands in for the documents room, so that the built-in responder has passages and
 * titles to quote. */
#define RTX_TYPE_TEST_CONTEXT (rtx_test_context_get_type ())
G_DECLARE_FINAL_TYPE (RtxTestContext, rtx_test_context, RTX, TEST_CONTEXT, GObject)

RtxTestContext *rtx_test_context_new (const char * const *titles,
                                      const char * const *texts);

G_END_DECLS
