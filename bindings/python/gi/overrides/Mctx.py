# PyGObject overrides for mctx: keyword arguments for configurations,
# bytes-like payloads, plain tuples, and an asyncio sender.
#
# SPDX-License-Identifier: BSD-2-Clause

import asyncio
import errno
import functools
import os

from gi.repository import Gio, GLib

from ..module import get_introspection_module
from ..overrides import override

Mctx = get_introspection_module("Mctx")

__all__ = []


# Failures of the operating system arrive as G_IO_ERROR GErrors. Python
# code catches them as OSError (with errno) and a full send buffer as
# BlockingIOError, while they stay GLib.Errors of the same domain and code.
# GIO keeps only the code, so errno is the one it stands for; a code GIO
# uses for several errnos (FAILED) gives errno None.
_ERRNO_OF_CODE = {
    Gio.IOErrorEnum.WOULD_BLOCK: errno.EAGAIN,
    Gio.IOErrorEnum.CLOSED: errno.EBADF,
    Gio.IOErrorEnum.NETWORK_UNREACHABLE: errno.ENETUNREACH,
    Gio.IOErrorEnum.HOST_UNREACHABLE: errno.EHOSTUNREACH,
    Gio.IOErrorEnum.CONNECTION_REFUSED: errno.ECONNREFUSED,
    Gio.IOErrorEnum.ADDRESS_IN_USE: errno.EADDRINUSE,
    Gio.IOErrorEnum.PERMISSION_DENIED: errno.EPERM,
    Gio.IOErrorEnum.MESSAGE_TOO_LARGE: errno.EMSGSIZE,
    Gio.IOErrorEnum.TIMED_OUT: errno.ETIMEDOUT,
    Gio.IOErrorEnum.INVALID_ARGUMENT: errno.EINVAL,
    Gio.IOErrorEnum.BROKEN_PIPE: errno.EPIPE,
    Gio.IOErrorEnum.NOT_CONNECTED: errno.ENOTCONN,
    Gio.IOErrorEnum.TOO_MANY_OPEN_FILES: errno.EMFILE,
    Gio.IOErrorEnum.NOT_SUPPORTED: errno.EOPNOTSUPP,
    # mctx reports a datagram the interface queue dropped so.
    Gio.IOErrorEnum.NO_SPACE: errno.ENOBUFS,
}


# Errors GIO files under FAILED, and which only the message (ending in the
# system's text, as mctx writes it) tells apart.
_ERRNO_OF_FAILED = (errno.EADDRNOTAVAIL, errno.ENODEV, errno.ENXIO, errno.EHOSTDOWN, errno.ENOBUFS)


def _errno_of(error):
    number = _ERRNO_OF_CODE.get(error.code)
    if number is None and error.code == Gio.IOErrorEnum.FAILED:
        number = next((candidate for candidate in _ERRNO_OF_FAILED
                       if error.message.endswith(": " + GLib.strerror(candidate))), None)
    return number


class SocketError(OSError, GLib.Error):
    """A failure of the operating system: an ``OSError`` with ``errno``, and
    a ``GLib.Error`` of the ``G_IO_ERROR`` domain."""


class WouldBlockError(BlockingIOError, SocketError):
    """The send buffer is full: caught by ``except BlockingIOError``."""


def _plain_bytes(data):
    """bytes from any bytes-like payload, GLib.Bytes included."""
    if isinstance(data, GLib.Bytes):
        return data.get_data() or b""
    return bytes(data)


def _as_bytes(data):
    """A GLib.Bytes from any bytes-like payload."""
    if isinstance(data, GLib.Bytes):
        return data
    return GLib.Bytes.new(bytes(data))


def _os_errors(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except GLib.Error as error:
            if isinstance(error, OSError) or error.domain != GLib.quark_to_string(Gio.io_error_quark()):
                raise
            kind = WouldBlockError if error.code == Gio.IOErrorEnum.WOULD_BLOCK else SocketError
            number = _errno_of(error)
            raised = kind(error.message) if number is None else kind(number, error.message)
            raised.domain, raised.code, raised.message = error.domain, error.code, error.message
            raise raised from None
    return wrapper


__all__ += ["SocketError", "WouldBlockError"]

_EGRESS_KEYWORDS = ("bind", "interface", "interface_index", "interface_name", "ttl", "loopback")
_UDP_KEYWORDS = _EGRESS_KEYWORDS + ("source", "source_port")


def _configure(config, source=None, source_port=None, bind=None, interface=None,
               interface_index=None, interface_name=None, ttl=None, loopback=None):
    if bind is not None:
        if isinstance(bind, str):
            config.set_bind_address_string(bind)
        else:
            config.set_bind_address(bind)
    if source is not None:
        if isinstance(source, str):
            config.set_source_address_string(source)
        else:
            config.set_source_address(source)
    if source_port is not None:
        config.set_source_port(source_port)
    if interface is not None:
        if isinstance(interface, str):
            config.set_outgoing_interface_string(interface)
        else:
            config.set_outgoing_interface(interface)
    if interface_index is not None:
        config.set_interface_index(interface_index)
    if interface_name is not None:
        config.set_interface_name(interface_name)
    if ttl is not None:
        config.set_ttl(ttl)
    if loopback is not None:
        config.set_loopback(loopback)


def _inet_address(text, what):
    """A Gio.InetAddress from a string, or the mctx error a C caller gets."""
    try:
        address = Gio.InetAddress.new_from_string(text)
    except TypeError:  # PyGObject's word for a constructor's NULL
        address = None
    if address is None:
        raise GLib.Error("Invalid %s \u201c%s\u201d: not an IP address" % (what, text),
                         GLib.quark_to_string(Mctx.error_quark()), Mctx.Error.INVALID_ADDRESS)
    return address


def _address_helper(function):
    @functools.wraps(function)
    def wrapper(address):
        return function(_inet_address(address, "address") if isinstance(address, str) else address)
    return wrapper


# The address helpers take strings too, as configurations do.
address_get_multicast_scope = _address_helper(Mctx.address_get_multicast_scope)
address_is_ssm = _address_helper(Mctx.address_is_ssm)
address_scope_needs_interface = _address_helper(Mctx.address_scope_needs_interface)
__all__ += ["address_get_multicast_scope", "address_is_ssm", "address_scope_needs_interface"]

if hasattr(Mctx, "raw_build_udp_datagram"):
    def raw_build_udp_datagram(source, source_port, destination, destination_port, ttl, traffic_class,
                               flow_label, payload):
        """Builds a UDP-in-IP datagram; addresses may be strings, the
        payload any bytes-like object."""
        if isinstance(source, str):
            source = _inet_address(source, "source address")
        if isinstance(destination, str):
            destination = _inet_address(destination, "destination")
        return Mctx.raw_build_udp_datagram(source, source_port, destination, destination_port, ttl,
                                           traffic_class, flow_label, bytes(payload))

    __all__ += ["raw_build_udp_datagram"]


class UdpPublicationConfig(Mctx.UdpPublicationConfig):
    """A destination: ``Mctx.UdpPublicationConfig("239.1.2.3", 5000, ttl=8)``.

    Addresses may be strings or ``Gio.InetAddress`` objects; ``bind`` takes
    ``"ADDRESS:PORT"`` or a ``Gio.InetSocketAddress``.
    """

    def __init__(self, group=None, port=None, **kwargs):
        settings = {key: kwargs.pop(key) for key in _UDP_KEYWORDS if key in kwargs}
        super().__init__(**kwargs)
        if group is not None:
            self.set_group(_inet_address(group, "group") if isinstance(group, str) else group)
        if port is not None:
            self.set_port(port)
        _configure(self, **settings)


UdpPublicationConfig = override(UdpPublicationConfig)
__all__.append("UdpPublicationConfig")


def _flags(flags):
    return Mctx.SendFlags.NONE if flags is None else flags


class Context(Mctx.Context):
    def add_publication(self, config, port=None, **kwargs):
        """Adds a publication from a configuration of any kind, or from a
        group, a port and the UDP configuration's keywords::

            context.add_publication("239.1.2.3", 5000, source="192.0.2.7", ttl=8)
        """
        if not isinstance(config, Mctx.PublicationConfig):
            config = UdpPublicationConfig(config, port, **kwargs)
        elif port is not None or kwargs:
            raise TypeError("add_publication() takes either a configuration or a group and a port")
        return _os_errors(super().add_publication)(config)

    @_os_errors
    def add_publication_with_socket(self, config, socket):
        """``socket`` may be a ``Gio.Socket`` or a Python ``socket.socket``;
        the publication then sends through a duplicate of its descriptor,
        and the Python socket stays yours."""
        if not isinstance(socket, Gio.Socket) and hasattr(socket, "fileno"):
            socket = Gio.Socket.new_from_fd(os.dup(socket.fileno()))
        return super().add_publication_with_socket(config, socket)

    @_os_errors
    def replace_publication(self, id, config):
        return super().replace_publication(id, config)

    @_os_errors
    def send_all(self, data):
        """Sends bytes-like ``data`` through every publication; returns how
        many sent. Raises only when none did."""
        return super().send_all(bytes(data))

    @_os_errors
    def send_many(self, ids, datagrams=None):
        """Sends ``datagrams[i]`` through the publication ``ids[i]``, in
        order; ``send_many(pairs)`` takes ``(id, data)`` pairs instead.
        Datagrams for publications that share a socket go together. Returns
        how many went; raises only when none did."""
        if datagrams is None:
            pairs = list(ids)
            ids, datagrams = [id for id, _data in pairs], [data for _id, data in pairs]
        return super().send_many(list(ids), [_as_bytes(data) for data in datagrams])


Context = override(Context)
__all__.append("Context")


class Publication(Mctx.Publication):
    """Every kind of publication: ``send``, ``send_with_report``,
    ``send_many`` and their async forms take bytes-like data."""

    def __init__(self, *args, **kwargs):
        # Only a context makes a publication ready; constructed here, the
        # GInitable refuses it at once with a clear GLib.Error.
        super().__init__(*args, **kwargs)
        self.init(None)

    @_os_errors
    def send(self, data):
        """Sends bytes-like ``data`` as one datagram; returns the number of
        bytes sent, as ``Gio.Socket.send()`` does. A full send buffer raises
        ``BlockingIOError``, other failures ``OSError`` (both also
        ``GLib.Error``)."""
        return super().send(bytes(data))

    @_os_errors
    def send_with_report(self, data):
        """Sends bytes-like ``data`` as one datagram; returns a SendReport."""
        return super().send_with_report(bytes(data))

    @_os_errors
    def send_many(self, datagrams, flags=None):
        """Sends each bytes-like object of ``datagrams`` as one datagram, in
        as few system calls as the kernel allows; returns how many went
        (fewer when the send buffer filled, ``BlockingIOError`` when none
        did). ``flags=Mctx.SendFlags.SEGMENTED`` segments equal sizes."""
        return super().send_many([_as_bytes(datagram) for datagram in datagrams], _flags(flags))

    def send_async(self, data, io_priority=GLib.PRIORITY_DEFAULT, cancellable=None, callback=None, *user_data):
        return super().send_async(_as_bytes(data), io_priority, cancellable, callback, *user_data)

    @_os_errors
    def send_finish(self, result):
        return super().send_finish(result)

    def send_many_async(self, datagrams, flags=None, io_priority=GLib.PRIORITY_DEFAULT, cancellable=None,
                        callback=None, *user_data):
        return super().send_many_async([_as_bytes(datagram) for datagram in datagrams], _flags(flags),
                                       io_priority, cancellable, callback, *user_data)

    @_os_errors
    def send_many_finish(self, result):
        return super().send_many_finish(result)

    def fileno(self):
        """The socket's descriptor, for ``select``, ``selectors`` and
        asyncio; it stays the publication's. Raises ``ValueError`` once the
        socket is gone, as a closed Python socket does."""
        socket = self.get_socket()
        if socket is None:
            raise ValueError("%s has no socket any more" % type(self).__name__)
        return socket.get_fd()

    def __repr__(self):
        return "<%s id=%d>" % (type(self).__name__, self.get_id())


Publication = override(Publication)
__all__.append("Publication")


class UdpPublication(Mctx.UdpPublication):
    @property
    def announce_tuple(self):
        """``(source, group, port)`` as strings and an int."""
        _ok, source, group, port = self.get_announce_tuple()
        return source.to_string(), group.to_string(), port

    def __repr__(self):
        return "<Mctx.UdpPublication id=%d %s>" % (self.get_id(), self.get_destination().to_string())


UdpPublication = override(UdpPublication)
__all__.append("UdpPublication")


if hasattr(Mctx, "RawPublicationConfig"):
    class RawPublicationConfig(Mctx.RawPublicationConfig):
        """Raw datagrams of a family: ``Mctx.RawPublicationConfig(Gio.SocketFamily.IPV4,
        interface_name="eth0")``, with the egress keywords of
        ``UdpPublicationConfig`` but ``source`` and ``source_port``."""

        def __init__(self, family=None, **kwargs):
            settings = {key: kwargs.pop(key) for key in _EGRESS_KEYWORDS if key in kwargs}
            if family is not None:
                kwargs["family"] = family
            super().__init__(**kwargs)
            _configure(self, **settings)

        def validate_datagram(self, data):
            return super().validate_datagram(bytes(data))

    RawPublicationConfig = override(RawPublicationConfig)
    __all__.append("RawPublicationConfig")


def _getter_attributes(cls, names):
    """Adds read-only attributes for the boxed type's get_<name>() methods,
    so that ``snapshot.packets_sent`` reads as Python reads."""
    for name in names:
        setattr(cls, name, property(lambda self, getter="get_" + name: getattr(self, getter)()))
    return cls


def _counter_attributes(cls, getter):
    """Adds a read-only attribute per ``Mctx.MetricsCounter``:
    ``snapshot.packets_sent`` is
    ``snapshot.get_counter(Mctx.MetricsCounter.PACKETS_SENT)``."""
    for counter in Mctx.MetricsCounter.__enum_values__.values():
        setattr(cls, counter.value_nick.replace("-", "_"),
                property(lambda self, counter=counter: getattr(self, getter)(counter)))
    return cls


if hasattr(Mctx, "MetricsSnapshot"):
    class MetricsSnapshot(Mctx.MetricsSnapshot):
        def __repr__(self):
            return "<Mctx.MetricsSnapshot %d packets, %d bytes, %d errors>" % (
                self.packets_sent, self.bytes_sent, self.send_errors)

    _getter_attributes(MetricsSnapshot, (
        "kind", "publication_id", "timestamp", "monotonic_time", "active_publications"))
    _counter_attributes(MetricsSnapshot, "get_counter")
    MetricsSnapshot = override(MetricsSnapshot)
    __all__.append("MetricsSnapshot")

    class MetricsDelta(Mctx.MetricsDelta):
        def __repr__(self):
            return "<Mctx.MetricsDelta %d packets over %.3f s>" % (self.packets_sent, self.interval)

    _getter_attributes(MetricsDelta, ("earlier", "later", "interval"))
    _counter_attributes(MetricsDelta, "get_change")
    MetricsDelta = override(MetricsDelta)
    __all__.append("MetricsDelta")


class PacedSender(Mctx.PacedSender):
    @classmethod
    def new(cls, publication, payload, count):
        """Paces a bytes-like ``payload``, ``count`` times (0: until
        cancelled)."""
        return Mctx.PacedSender.new(publication, _as_bytes(payload), count)

    async def run(self, io_priority=GLib.PRIORITY_DEFAULT):
        """Runs the schedule and waits for its end from asyncio::

            await sender.run()

        The schedule runs on a GLib main loop of its own in a helper
        thread (sending through a publication from another thread is safe);
        its signals are emitted in that thread. Cancelling the awaiting
        task cancels the run. Returns True, or raises the run's error."""
        import threading

        loop = asyncio.get_running_loop()
        done = loop.create_future()
        cancellable = Gio.Cancellable()

        def finish(result, error):
            if not done.done():
                if error is None:
                    done.set_result(result)
                else:
                    done.set_exception(error)

        def in_thread():
            context = GLib.MainContext()
            context.push_thread_default()
            main_loop = GLib.MainLoop.new(context, False)

            def on_done(sender, async_result):
                try:
                    result, error = sender.run_finish(async_result), None
                except GLib.Error as caught:
                    result, error = None, caught
                loop.call_soon_threadsafe(finish, result, error)
                main_loop.quit()

            self.run_async(io_priority, cancellable, on_done)
            main_loop.run()
            context.pop_thread_default()

        thread = threading.Thread(target=in_thread, name="mctx-paced-sender", daemon=True)
        thread.start()
        try:
            return await done
        finally:
            cancellable.cancel()
            await loop.run_in_executor(None, thread.join)


PacedSender = override(PacedSender)
__all__.append("PacedSender")


if hasattr(Mctx, "MetricsWriter"):
    class MetricsWriter(Mctx.MetricsWriter):
        @classmethod
        def new(cls, path, producer, node_id=None, flags=None):
            """Opens a metrics file; ``flags`` may be a ``dict`` (any JSON
            object), or a ``Json.Object``."""
            if isinstance(flags, dict):
                import json
                from gi.repository import Json
                flags = Json.from_string(json.dumps(flags)).get_object()
            return Mctx.MetricsWriter.new(path, producer, node_id, flags)

    MetricsWriter = override(MetricsWriter)
    __all__.append("MetricsWriter")


class SendReport(Mctx.SendReport):
    def __repr__(self):
        return "<Mctx.SendReport %d bytes to %s from %s>" % (
            self.get_bytes_sent(), self.get_destination().to_string(),
            self.get_local_address().to_string())


_getter_attributes(SendReport, ("bytes_sent", "destination", "local_address",
                                "interface_index", "protocol"))
SendReport = override(SendReport)
__all__.append("SendReport")


class AsyncPublication:
    """Sends through a publication from an asyncio event loop.

    ``await AsyncPublication(publication).send(b"...")`` tries the send at
    once; only when the send buffer is full does it wait for the socket to
    become writable (``loop.add_writer``) and try again. If the publication
    loses its socket meanwhile (removed from its context, or stolen), the
    wait ends and the send raises ``GLib.Error`` (``Gio.IOErrorEnum.CLOSED``).

    ``await sender.send_many([b"a", b"b", ...])`` sends a batch in order,
    waiting the same way whenever the buffer is full, and returns how many
    datagrams went: all of them, or, when a failure stops it after some
    went, their count (as ``send_many`` does), so that a retry never sends
    one twice.
    """

    def __init__(self, publication):
        self.publication = publication

    async def send_many(self, datagrams):
        loop = asyncio.get_running_loop()
        datagrams = [_plain_bytes(data) for data in datagrams]
        sent = 0
        while sent < len(datagrams):
            # As many per system call as go (sendmmsg); wait when none does.
            try:
                sent += self.publication.send_many(datagrams[sent:sent + 1024])
            except BlockingIOError:
                await self._writable(loop)
            except GLib.Error:
                if sent == 0:
                    raise
                return sent
        return sent

    async def send(self, data):
        data = bytes(data)
        loop = asyncio.get_running_loop()
        while True:
            try:
                return self.publication.send(data)
            except GLib.Error as error:
                if not error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.WOULD_BLOCK):
                    raise
            await self._writable(loop)

    async def _writable(self, loop):
        socket = self.publication.get_socket()
        if socket is None:
            return  # the next send says why
        fd = socket.get_fd()
        ready = loop.create_future()

        def wake(*_args):
            if not ready.done():
                ready.set_result(None)

        def detached(*_args):
            # Emitted before the descriptor closes: unregister it while valid.
            loop.remove_writer(fd)
            wake()

        handler = self.publication.connect("notify::socket", detached)
        loop.add_writer(fd, wake)
        try:
            await ready
        finally:
            loop.remove_writer(fd)
            self.publication.disconnect(handler)


__all__.append("AsyncPublication")
