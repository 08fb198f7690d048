// Where the reference links for the libraries mctx builds on.
baseURLs = [
    [ 'GLib', 'https://docs.gtk.org/glib/' ],
    [ 'GObject', 'https://docs.gtk.org/gobject/' ],
    [ 'Gio', 'https://docs.gtk.org/gio/' ],
    [ 'Json', 'https://gnome.pages.gitlab.gnome.org/json-glib/' ],
]
