/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-runtime.h"

G_BEGIN_DECLS

#define RTX_TYPE_MODEL_PROVIDER_PAGE (rtx_model_provider_page_get_type ())
G_DECLARE_FINAL_TYPE (RtxModelProviderPage, rtx_model_provider_page, RTX, MODEL_PROVIDER_PAGE,
                      AdwPreferencesPage)

GtkWidget *rtx_model_provider_page_new (RtxRuntime *runtime) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
