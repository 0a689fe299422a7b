/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-api-key.h"

G_BEGIN_DECLS

typedef struct _RtxKeyCache RtxKeyCache;

RtxKeyCache *rtx_key_cache_new    (void) G_GNUC_WARN_UNUSED_RESULT;
void         rtx_key_cache_free   (RtxKeyCache     *self);
RtxApiKey   *rtx_key_cache_lookup (RtxKeyCache     *self,
                                   const char      *secret,
                                   guint64          generation) G_GNUC_WARN_UNUSED_RESULT;
void         rtx_key_cache_store  (RtxKeyCache     *self,
                                   const char      *secret,
                                   const RtxApiKey *key,
                                   guint64          generation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxKeyCache, rtx_key_cache_free)

G_END_DECLS
