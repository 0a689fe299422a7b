/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <espeak-ng/speak_lib.h>
#include <glib/gi18n.h>

#include "rtx-error.h"
#include "rtx-tts.h"

/* Speech with espeak-ng, the built-in voice: text in, 16-bit mono PCM WAV out. libespeak-ng
 * keeps its state in globals, so every call holds one lock, and callers run it in a worker
 * thread (a sentence takes milliseconds, a page longer). */

#define NORMAL_RATE_WPM 175
#define MAX_SAMPLES (60 * 60 * 24000)   /* an hour of audio at most per call */

static GMutex espeak_lock;
static int sample_rate;    /* 0 until initialised, -1 after a failure */

/* libespeak-ng is opened on first use rather than linked: it brings some 25 audio libraries
 * (ALSA, PulseAudio, libsndfile and its codecs) that every start-up would load and keep
 * resident, though most runs never speak (bench/RESULTS.md, issue 3). */
#define ESPEAK_LIBRARY "libespeak-ng.so.1"

static struct {
  __typeof__ (espeak_Initialize)       *Initialize;
  __typeof__ (espeak_SetSynthCallback) *SetSynthCallback;
  __typeof__ (espeak_SetVoiceByName)   *SetVoiceByName;
  __typeof__ (espeak_SetParameter)     *SetParameter;
  __typeof__ (espeak_Synth)            *Synth;
  __typeof__ (espeak_Synchronize)      *Synchronize;
  __typeof__ (espeak_ListVoices)       *ListVoices;
} espeak;

/* Call with the lock held, once. The library stays open for the life of the process. */
static gboolean
load_espeak (void)
{
  void *handle = dlopen (ESPEAK_LIBRARY, RTLD_NOW | RTLD_LOCAL);

  if (handle == NULL) {
    g_warning ("Could not open %s: %s", ESPEAK_LIBRARY, dlerror ());
    return FALSE;
  }

  espeak.Initialize = dlsym (handle, "espeak_Initialize");
  espeak.SetSynthCallback = dlsym (handle, "espeak_SetSynthCallback");
  espeak.SetVoiceByName = dlsym (handle, "espeak_SetVoiceByName");
  espeak.SetParameter = dlsym (handle, "espeak_SetParameter");
  espeak.Synth = dlsym (handle, "espeak_Synth");
  espeak.Synchronize = dlsym (handle, "espeak_Synchronize");
  espeak.ListVoices = dlsym (handle, "espeak_ListVoices");

  if (espeak.Initialize == NULL || espeak.SetSynthCallback == NULL ||
      espeak.SetVoiceByName == NULL || espeak.SetParameter == NULL || espeak.Synth == NULL ||
      espeak.Synchronize == NULL || espeak.ListVoices == NULL) {
    g_warning ("%s lacks a function the runtime needs", ESPEAK_LIBRARY);
    return FALSE;
  }
  return TRUE;
}

typedef struct {
  GByteArray   *pcm;
  GCancellable *cancellable;
  gboolean      too_long;
} Synthesis;

/* The synthesis under way; set and cleared with the lock held. The callback is called from
 * inside espeak_Synth() and espeak_Synchronize(), on the same thread. */
static Synthesis *under_way;

static int
on_samples (short        *wav,
            int           n_samples,
            espeak_EVENT *events)
{
  Synthesis *synthesis = under_way;

  if (synthesis == NULL)
    return 0;
  if (g_cancellable_is_cancelled (synthesis->cancellable))
    return 1;
  if (wav != NULL && n_samples > 0) {
    if (synthesis->pcm->len / 2 + (guint) n_samples > MAX_SAMPLES) {
      synthesis->too_long = TRUE;
      return 1;
    }
    g_byte_array_append (synthesis->pcm, (const guint8 *) wav, n_samples * sizeof (short));
  }
  return 0;
}

/* Call with the lock held. */
static gboolean
ensure_initialised (GError **error)
{
  if (sample_rate == 0) {
    sample_rate = load_espeak ()
                  ? espeak.Initialize (AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL,
                                       espeakINITIALIZE_DONT_EXIT)
                  : -1;
    if (sample_rate <= 0)
      sample_rate = -1;
    else
      espeak.SetSynthCallback (on_samples);
  }

  if (sample_rate < 0) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_FAILED,
                         _("The speech engine (espeak-ng) could not start; is espeak-ng-data installed?"));
    return FALSE;
  }
  return TRUE;
}

static void
put_u32 (guint8  *at,
         guint32  value)
{
  value = GUINT32_TO_LE (value);
  memcpy (at, &value, 4);
}

static void
put_u16 (guint8  *at,
         guint16  value)
{
  value = GUINT16_TO_LE (value);
  memcpy (at, &value, 2);
}

/* A RIFF/WAVE file around @pcm: PCM, mono, 16 bits, @rate Hz. */
static GBytes *
wrap_wav (GByteArray *pcm,
          int         rate)
{
  guint8 header[44];
  guint32 size = pcm->len;

  memcpy (header, "RIFF", 4);
  put_u32 (header + 4, 36 + size);
  memcpy (header + 8, "WAVEfmt ", 8);
  put_u32 (header + 16, 16);
  put_u16 (header + 20, 1);                  /* PCM */
  put_u16 (header + 22, 1);                  /* mono */
  put_u32 (header + 24, rate);
  put_u32 (header + 28, rate * 2);           /* bytes a second */
  put_u16 (header + 32, 2);                  /* bytes a frame */
  put_u16 (header + 34, 16);                 /* bits a sample */
  memcpy (header + 36, "data", 4);
  put_u32 (header + 40, size);

  g_byte_array_prepend (pcm, header, sizeof header);
  return g_byte_array_free_to_bytes (g_byte_array_ref (pcm));
}

static gboolean
choose_voice (const RtxTtsRequest  *request,
              GError              **error)
{
  const char *voice = request->voice;

  if (voice == NULL || *voice == '\0')
    voice = request->language;
  if (voice == NULL || *voice == '\0')
    voice = RTX_TTS_DEFAULT_VOICE;

  if (espeak.SetVoiceByName (voice) != EE_OK) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("No voice “%s”"), voice);
    return FALSE;
  }
  return TRUE;
}

/**
 * rtx_tts_synthesize:
 * @text: UTF-8 text
 * @request: the voice and speed
 * @cancellable: (nullable): stops the synthesis
 *
 * Blocks: call from a worker thread.
 *
 * Returns: (transfer full): a WAV file, or %NULL
 */
GBytes *
rtx_tts_synthesize (const char           *text,
                    const RtxTtsRequest  *request,
                    GCancellable         *cancellable,
                    GError              **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&espeak_lock);
  g_autoptr(GByteArray) pcm = g_byte_array_new ();
  Synthesis synthesis = { pcm, cancellable, FALSE };
  double speed = request->speed > 0 ? request->speed : 1.0;
  espeak_ERROR status;

  if (!ensure_initialised (error) || !choose_voice (request, error))
    return NULL;

  espeak.SetParameter (espeakRATE, (int) (NORMAL_RATE_WPM * CLAMP (speed, RTX_TTS_MIN_SPEED,
                                                                    RTX_TTS_MAX_SPEED)), 0);
  under_way = &synthesis;
  status = espeak.Synth (text, strlen (text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL,
                         NULL);
  if (status == EE_OK)
    status = espeak.Synchronize ();
  under_way = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (synthesis.too_long) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("The text is too long to speak in one piece"));
    return NULL;
  }
  if (status != EE_OK) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("Speech synthesis failed (%d)"), status);
    return NULL;
  }

  return wrap_wav (pcm, sample_rate);
}

/* Returns: whether espeak-ng has a voice of that name */
gboolean
rtx_tts_voice_exists (const char *voice)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&espeak_lock);

  return ensure_initialised (NULL) && espeak.SetVoiceByName (voice) == EE_OK;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * rtx_tts_list_voices:
 * @out_languages: (out) (optional): the languages they speak, sorted, without duplicates
 *
 * Returns: (transfer full): the voices' identifiers (what `voice` takes), sorted
 */
GStrv
rtx_tts_list_voices (GStrv *out_languages)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&espeak_lock);
  g_autoptr(GPtrArray) voices = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) languages = g_ptr_array_new_with_free_func (g_free);
  const espeak_VOICE **list;

  if (ensure_initialised (NULL) && (list = espeak.ListVoices (NULL)) != NULL) {
    for (guint i = 0; list[i] != NULL; i++) {
      const char *lang = list[i]->languages;

      /* Each language: a priority byte, the name, a zero byte; an empty name ends the list. */
      if (lang != NULL && lang[0] != '\0' && lang[1] != '\0')
        g_ptr_array_add (voices, g_strdup (lang + 1));
      for (; lang != NULL && lang[0] != '\0' && lang[1] != '\0'; lang += strlen (lang + 1) + 2) {
        if (!g_ptr_array_find_with_equal_func (languages, lang + 1, g_str_equal, NULL))
          g_ptr_array_add (languages, g_strdup (lang + 1));
      }
    }
  }

  g_ptr_array_sort (voices, compare_strings);
  g_ptr_array_sort (languages, compare_strings);
  g_ptr_array_add (voices, NULL);
  g_ptr_array_add (languages, NULL);
  if (out_languages != NULL)
    *out_languages = (GStrv) g_ptr_array_free (g_steal_pointer (&languages), FALSE);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&voices), FALSE);
}

/**
 * rtx_tts_split_sentences:
 * @text: UTF-8 text
 *
 * The text's sentences, each ending after `.`, `!`, `?` (or `…`) followed by a space, or at a
 * blank line; stripped, empty ones dropped. A stream speaks them one by one.
 *
 * Returns: (transfer full): the sentences
 */
GStrv
rtx_tts_split_sentences (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GString *current = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    const char *next = g_utf8_next_char (p);
    gboolean end = FALSE;

    g_string_append_unichar (current, c);
    if (c == '.' || c == '!' || c == '?' || c == 0x2026)
      end = *next == '\0' || g_unichar_isspace (g_utf8_get_char (next));
    else if (c == '\n')
      end = *next == '\n';

    if (end) {
      g_strstrip (current->str);
      current->len = strlen (current->str);
      if (current->len > 0)
        g_strv_builder_add (builder, current->str);
      g_string_truncate (current, 0);
    }
  }

  g_strstrip (current->str);
  if (*current->str != '\0')
    g_strv_builder_add (builder, current->str);
  g_string_free (current, TRUE);

  return g_strv_builder_end (builder);
}
