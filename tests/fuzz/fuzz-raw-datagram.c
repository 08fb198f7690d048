/* fuzz-raw-datagram.c: libFuzzer target for the raw datagram validators
 *
 * Any input is checked as an IPv4 and as an IPv6 datagram, under the rules
 * of a multicast publication, one that allows any destination, and a
 * control publication; what each accepts is checked against what it
 * promises. Built with -Dfuzzing=true (clang); run by the 'fuzz' test
 * suite over the seed corpus in corpus/raw-datagram.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdint.h>

#include <mctx/raw/mctx-raw.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static gboolean
all_zero (const guint8 *bytes,
          gsize         size)
{
  for (gsize i = 0; i < size; i++)
    if (bytes[i] != 0)
      return FALSE;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const GSocketFamily families[] = { G_SOCKET_FAMILY_IPV4, G_SOCKET_FAMILY_IPV6 };

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      gboolean ipv6 = families[i] == G_SOCKET_FAMILY_IPV6;
      gsize address_size = ipv6 ? 16 : 4;
      g_autoptr(MctxPublicationConfig) multicast = mctx_raw_publication_config_new (families[i]);
      g_autoptr(MctxPublicationConfig) any = mctx_raw_publication_config_new (families[i]);
      g_autoptr(MctxPublicationConfig) control = g_object_new (MCTX_TYPE_RAW_PUBLICATION_CONFIG, "family", families[i],
                                                               "mode", MCTX_RAW_MODE_CONTROL, NULL);
      GError *error = NULL;
      gboolean multicast_ok, any_ok, control_ok;

      mctx_raw_publication_config_set_allow_any_destination (MCTX_RAW_PUBLICATION_CONFIG (any), TRUE);

      multicast_ok = mctx_raw_publication_config_validate_datagram (MCTX_RAW_PUBLICATION_CONFIG (multicast),
                                                                    data, size, &error);
      if (multicast_ok)
        {
          /* A valid datagram names a multicast destination. */
          g_autoptr(GInetAddress) group = g_inet_address_new_from_bytes (data + (ipv6 ? 24 : 16), families[i]);

          g_assert_true (g_inet_address_get_is_multicast (group));
        }
      else
        {
          g_assert_true (error != NULL && error->domain == MCTX_ERROR && error->message[0] != '\0');
          g_clear_error (&error);
        }

      /* Allowing any destination only ever accepts more. */
      any_ok = mctx_raw_publication_config_validate_datagram (MCTX_RAW_PUBLICATION_CONFIG (any), data, size, &error);
      g_assert_true (any_ok || !multicast_ok);
      g_assert_true (any_ok == (error == NULL));
      g_clear_error (&error);

      control_ok = mctx_raw_publication_config_validate_datagram (MCTX_RAW_PUBLICATION_CONFIG (control), data, size, &error);
      if (control_ok)
        {
          const guint8 *source = data + (ipv6 ? 8 : 12);
          const guint8 *destination = data + (ipv6 ? 24 : 16);

          g_assert_false (all_zero (source, address_size));
          g_assert_false (all_zero (destination, address_size));
          g_assert_true (any_ok);
        }
      else
        {
          g_assert_true (error != NULL && error->domain == MCTX_ERROR && error->message[0] != '\0');
          g_clear_error (&error);
        }
    }

  return 0;
}
