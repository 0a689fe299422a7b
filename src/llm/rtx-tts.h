/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define RTX_TTS_PROVIDER "espeak"
#define RTX_TTS_MIME_TYPE "audio/wav"
#define RTX_TTS_DEFAULT_VOICE "en"
#define RTX_TTS_MIN_SPEED 0.25
#define RTX_TTS_MAX_SPEED 4.0

/**
 * RtxTtsRequest:
 * @voice: (nullable): an espeak-ng voice name or identifier (`en`, `en-us`, `de`, …)
 * @language: (nullable): a language code, used when no voice is given
 * @speed: 1.0 for the normal rate (175 words a minute)
 */
typedef struct {
  const char *voice;
  const char *language;
  double      speed;
} RtxTtsRequest;

gboolean  rtx_tts_voice_exists     (const char           *voice);
GBytes   *rtx_tts_synthesize       (const char           *text,
                                    const RtxTtsRequest  *request,
                                    GCancellable         *cancellable,
                                    GError              **error) G_GNUC_WARN_UNUSED_RESULT;
GStrv     rtx_tts_split_sentences  (const char           *text) G_GNUC_WARN_UNUSED_RESULT;
GStrv     rtx_tts_list_voices      (GStrv                *out_languages) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
