// The smallest mctx sender, in Vala: "hello multicast" to 239.1.2.3:5000
// through 127.0.0.1 with TTL 8.
//
// SPDX-License-Identifier: BSD-2-Clause

int main () {
    try {
        var context = new Mctx.Context ();
        var config = new Mctx.UdpPublicationConfig ("239.1.2.3", 5000);
        config.set_outgoing_interface_string ("127.0.0.1");
        config.ttl = 8;

        var publication = context.add_publication (config);
        var report = publication.send_with_report ("hello multicast".data);
        print ("sent %zu bytes to %s\n", report.get_bytes_sent (),
               report.get_destination ().to_string ());
        return 0;
    } catch (Error error) {
        printerr ("send: %s\n", error.message);
        return 1;
    }
}
