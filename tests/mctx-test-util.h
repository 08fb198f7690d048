/* mctx-test-util.h: private network namespaces and receivers for tests
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#include <mctx/mctx.h>
#include <mctx/raw/mctx-raw.h>

G_BEGIN_DECLS

/* Moves the test process into a network namespace of its own, with only
 * `lo` (up), then calls g_test_init(). Exits with a TAP "Bail out!" when
 * the namespace cannot be created: tests never fall back to the host. */
void          mctx_test_init_netns        (int          *argc,
                                           char       ***argv);

/* Runs a command (an `ip` or `tc` invocation) and fails the test if it
 * fails. */
void          mctx_test_run               (const char   *format,
                                           ...) G_GNUC_PRINTF (1, 2);

/* A second network namespace, for receivers on the far end of a veth. */
typedef struct _MctxTestPeer MctxTestPeer;

MctxTestPeer *mctx_test_peer_new          (void);
void          mctx_test_peer_free         (MctxTestPeer *peer);
/* Creates veth @local_name here and @peer_name in @peer, both up. */
void          mctx_test_peer_add_veth     (MctxTestPeer *peer,
                                           const char   *local_name,
                                           const char   *peer_name);
/* Runs a command inside @peer. */
void          mctx_test_peer_run          (MctxTestPeer *peer,
                                           const char   *format,
                                           ...) G_GNUC_PRINTF (2, 3);
/* Enters and leaves @peer on the calling thread; sockets created in
 * between belong to @peer. */
void          mctx_test_peer_enter        (MctxTestPeer *peer);
void          mctx_test_peer_leave        (MctxTestPeer *peer);
guint         mctx_test_peer_if_index     (MctxTestPeer *peer,
                                           const char   *name);

/* Adds a publication and fails the test if that fails. */
MctxPublication *mctx_test_add_publication (MctxContext           *context,
                                            MctxPublicationConfig *config);

/* The local port a socket is bound to (0: not bound). */
guint16       mctx_test_local_port        (int           fd);

/* Receivers: UDP sockets joined to a group, reporting TTL / hop limit. */
int           mctx_test_receiver_ipv4     (const char   *group,
                                           const char   *interface_address,
                                           guint16       port,
                                           guint16      *bound_port);
int           mctx_test_receiver_unicast_ipv4 (const char *address,
                                               guint16    *bound_port);
int           mctx_test_receiver_ipv6     (const char   *group,
                                           guint         ifindex,
                                           const char   *source,
                                           guint16       port,
                                           guint16      *bound_port);

typedef struct {
  guint8 data[2048];
  gssize len;
  int ttl;
  GInetSocketAddress *from;
} MctxTestDatagram;

/* Waits up to @timeout_ms for a datagram. Returns FALSE on timeout. */
gboolean      mctx_test_receive           (int               fd,
                                           int               timeout_ms,
                                           MctxTestDatagram *datagram);
void          mctx_test_datagram_clear    (MctxTestDatagram *datagram);

/* A packet socket on @interface (in @peer, or here when %NULL) that sees
 * IP packets both ways, with room for thousands. */
int           mctx_test_capture_open      (MctxTestPeer     *peer,
                                           const char       *interface);
/* Waits until @deadline (monotonic µs) for the next packet a capture sees:
 * its length, and in @packet_type whether it came in or went out
 * (PACKET_OUTGOING), or -1 at the deadline. */
gssize        mctx_test_capture_receive   (int               fd,
                                           gint64            deadline,
                                           guint8           *packet,
                                           gsize             size,
                                           int              *packet_type);
/* Waits up to @timeout_ms for the next UDP datagram that left through the
 * capture's interface, and copies its payload to @datagram. The order of
 * these is the order the interface sent them in: unlike a receiver's, it
 * cannot change on the way (across two CPUs' receive backlogs). */
gboolean      mctx_test_capture_next_outgoing_udp (int               fd,
                                                   int               timeout_ms,
                                                   MctxTestDatagram *datagram);

/* Asserts that nothing arrives on @fd for a while (300 ms). */
void          mctx_test_assert_silent     (int               fd);

/* Asserts that the datagram carries @payload from @source_address. */
void          mctx_test_assert_from       (MctxTestDatagram *datagram,
                                           const char       *source_address,
                                           guint16           source_port);

/* The vector forms the tests use, over mctx_publication_send_messages() and
 * mctx_context_send_messages(): one vector per datagram. */
gint          mctx_test_send_vectors      (MctxPublication      *publication,
                                           const GOutputVector  *vectors,
                                           guint                 n,
                                           MctxSendFlags         flags,
                                           GError              **error);
gint          mctx_test_context_send_vectors (MctxContext       *context,
                                           const guint          *ids,
                                           const GOutputVector  *vectors,
                                           guint                 n,
                                           GError              **error);
/* @len bytes of @data as datagrams of @segment_size (the last may be
 * shorter), sent with MCTX_SEND_FLAGS_SEGMENTED. */
gint          mctx_test_send_segmented    (MctxPublication      *publication,
                                           const guint8         *data,
                                           gsize                 len,
                                           gsize                 segment_size,
                                           GError              **error);
/* The scope id of @address, 0 for IPv4. */
guint32       mctx_test_scope_id          (GInetSocketAddress   *address);

G_END_DECLS
