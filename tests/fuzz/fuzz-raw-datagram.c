/* fuzz-raw-datagram.c: libFuzzer target for the raw datagram validator
 *
 * Any input is checked as an IPv4 and as an IPv6 datagram; valid ones are
 * also taken apart the way a send report does. Built with
 * -Dfuzzing=true (clang); run by the 'fuzz' test suite over the seed
 * corpus in corpus/raw-datagram.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdint.h>

#include <mctx/raw/mctx-raw.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const GSocketFamily families[] = { G_SOCKET_FAMILY_IPV4, G_SOCKET_FAMILY_IPV6 };

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      GError *error = NULL;

      if (mctx_raw_datagram_validate (families[i], data, size, &error))
        {
          /* A valid datagram names a multicast destination. */
          const guint8 *destination = data + (families[i] == G_SOCKET_FAMILY_IPV6 ? 24 : 16);
          g_autoptr(GInetAddress) group =
            g_inet_address_new_from_bytes (destination, families[i]);

          g_assert_true (g_inet_address_get_is_multicast (group));
        }
      else
        {
          g_assert_true (error != NULL && error->domain == MCTX_ERROR && error->message[0] != '\0');
          g_error_free (error);
        }
    }

  return 0;
}
