/* mctx-init.c: one-time library setup
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

const char *
_mctx_get_locale_dir (void)
{
  /* Running uninstalled (the tests), the catalogs are in the build tree. */
  const char *override = g_getenv ("MCTX_LOCALEDIR");

  return override != NULL && override[0] != '\0' ? override : LOCALEDIR;
}

/* The library translates its messages in its own text domain, bound here
 * to where it is installed, so applications in other prefixes (and with
 * other domains of their own) still get them translated. */
void
_mctx_ensure_i18n (void)
{
#ifdef ENABLE_NLS
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      bindtextdomain (GETTEXT_PACKAGE, _mctx_get_locale_dir ());
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&initialized, 1);
    }
#endif
}
