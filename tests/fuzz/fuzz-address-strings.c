/* fuzz-address-strings.c: libFuzzer target for the address parsers that
 * take outside text: groups, source and interface addresses, and
 * ADDRESS:PORT bind strings, as the tools pass them from the command line.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdint.h>
#include <string.h>

#include <mctx/mctx.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(MctxPublicationConfig) config = NULL;
  GError *error = NULL;

  config = mctx_udp_publication_config_new (text, 5000, &error);
  if (config == NULL)
    {
      g_assert_true (error != NULL && error->message[0] != '\0');
      g_clear_error (&error);
      config = mctx_udp_publication_config_new ("239.1.2.3", 5000, &error);
      g_assert_no_error (error);
    }

  /* Each setter either takes the text or refuses it with a message, and a
   * refused one leaves the configuration valid. */
  if (!mctx_publication_config_set_bind_address_string (config, text, &error))
    g_clear_error (&error);
  if (!mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), text, &error))
    g_clear_error (&error);
  if (!mctx_publication_config_set_outgoing_interface_string (config, text, &error))
    g_clear_error (&error);
  if (!mctx_publication_config_validate (config, &error))
    {
      g_assert_true (error != NULL && error->domain == MCTX_ERROR);
      g_clear_error (&error);
    }

  g_free (mctx_publication_config_to_string (config));
  return 0;
}
