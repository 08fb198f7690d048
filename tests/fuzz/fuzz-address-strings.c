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

  /* What was taken reads back, and copies whole. */
  g_clear_object (&config);
  config = mctx_udp_publication_config_new ("ff32::1", 5000, NULL);
  if (mctx_publication_config_set_bind_address_string (config, text, NULL))
    {
      g_autoptr(GInetSocketAddress) bind = mctx_publication_config_dup_bind_address (config);
      g_autoptr(MctxPublicationConfig) copy = mctx_publication_config_copy (config);
      g_autoptr(GInetSocketAddress) copied = mctx_publication_config_dup_bind_address (copy);

      g_assert_true (bind != NULL && copied != NULL);
      g_assert_true (g_inet_address_equal (g_inet_socket_address_get_address (bind),
                                           g_inet_socket_address_get_address (copied)));
    }
  return 0;
}
