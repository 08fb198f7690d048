// GJS overrides for mctx: the async methods return promises, so
// `await publication.send_async(bytes, GLib.PRIORITY_DEFAULT, null)` works
// without the caller promisifying them. Passing a callback still works as
// before. GJS loads this file for `gi://Mctx` and `imports.gi.Mctx` from
// the overrides folder of its search path (DATADIR/gjs-1.0/overrides).
//
// SPDX-License-Identifier: BSD-2-Clause

/* exported _init */

var _init = function () {
    const Gio = imports.gi.Gio;

    Gio._promisify(this.Publication.prototype, 'send_async', 'send_finish');
    Gio._promisify(this.Publication.prototype, 'send_many_async', 'send_many_finish');
    Gio._promisify(this.PacedSender.prototype, 'run_async', 'run_finish');
};
