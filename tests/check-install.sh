#!/bin/sh
# Installs the build into a DESTDIR, checks that every part is there, then
# builds the C and Vala examples against the installed tree with only
# `pkg-config mctx-1` and runs them, and the Python and GJS ones with the
# installed typelib and overrides (tests/python/test_examples.py). Runs in
# a network namespace of its own (tests/run-in-netns.sh).
#
# Usage: check-install.sh BUILD_ROOT SOURCE_ROOT PREFIX LIBDIR INCLUDEDIR DATADIR MANDIR DOCS RAW
set -eu

build=$1 source=$2 prefix=$3 libdir=$4 includedir=$5 datadir=$6 mandir=$7 docs=$8 raw=$9

case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
case $includedir in /*) ;; *) includedir=$prefix/$includedir ;; esac
case $datadir in /*) ;; *) datadir=$prefix/$datadir ;; esac
case $mandir in /*) ;; *) mandir=$prefix/$mandir ;; esac

destdir=$(mktemp -d)
trap 'rm -rf "$destdir"' EXIT
meson install -C "$build" --destdir "$destdir" --no-rebuild --quiet

root=$destdir
missing=0
expect() {
  if [ -e "$root$1" ]; then
    echo "installed: $1"
  else
    echo "MISSING: $1"
    missing=1
  fi
}

expect "$libdir/libmctx-1.so.0.0.0"
expect "$libdir/libmctx-1.so.0"
expect "$libdir/libmctx-1.so"
expect "$libdir/pkgconfig/mctx-1.pc"
expect "$includedir/mctx-1/mctx/mctx.h"
expect "$includedir/mctx-1/mctx/mctx-enum-types.h"
expect "$includedir/mctx-1/mctx/mctx-features.h"
expect "$includedir/mctx-1/mctx/mctx-version.h"
expect "$datadir/gir-1.0/Mctx-1.0.gir"
expect "$libdir/girepository-1.0/Mctx-1.0.typelib"
expect "$datadir/vala/vapi/mctx-1.vapi"
expect "$datadir/gjs-1.0/overrides/Mctx.js"
expect "$prefix/bin/mctx-send"
expect "$prefix/bin/mctx-async-send"
expect "$mandir/man1/mctx-send.1"
expect "$mandir/man1/mctx-async-send.1"
expect "$datadir/locale/de/LC_MESSAGES/mctx-1.mo"
expect "$datadir/locale/fr/LC_MESSAGES/mctx-1.mo"
if [ "$raw" = 1 ]; then
  expect "$includedir/mctx-1/mctx/raw/mctx-raw.h"
  expect "$prefix/bin/mctx-raw-send"
  expect "$mandir/man1/mctx-raw-send.1"
fi
if [ "$docs" = 1 ]; then
  expect "$datadir/doc/mctx-1/index.html"
  expect "$datadir/doc/mctx-1/mctx-1.devhelp2"
fi
overrides=$(find "$destdir" -path '*/gi/overrides/Mctx.py' | head -n 1)
if [ -n "$overrides" ]; then
  echo "installed: ${overrides#$destdir}"
else
  echo "MISSING: gi/overrides/Mctx.py"
  missing=1
fi
[ "$missing" = 0 ] || exit 1

# The install says when the overrides went where the interpreter does not
# look: not for a directory on its path, always for one that is not.
notice=$source/build-aux/python-path-notice.py
site=$(dirname "$(dirname "$(dirname "$overrides")")")
python=${MCTX_PYTHON:-python3}
[ -z "$(PYTHONPATH=$site "$python" "$notice" "$site")" ] || { echo "FAIL: notice for a searched directory"; exit 1; }
said=$(PYTHONPATH= "$python" "$notice" "$site")
case $said in
  *"set PYTHONPATH=$site "*) echo "notice: $said" ;;
  *) echo "FAIL: no notice for $site: '$said'"; exit 1 ;;
esac

# A program run through `meson devenv` uses this build, overrides
# included (a positional constructor is theirs).
meson devenv -C "$build" "$python" -c '
import gi
gi.require_version("Mctx", "1.0")
from gi.repository import Mctx
config = Mctx.UdpPublicationConfig("239.1.2.3", 5000)
assert config.get_port() == 5000, config
assert hasattr(Mctx, "_overrides_module"), "no overrides"
print("devenv: overrides found")
'

# Consumers see only the installed tree: its pkg-config file, relocated
# into the DESTDIR, its library, typelib and overrides.
work=$destdir/examples
mkdir -p "$work/pkgconfig"
sed "s|^prefix=.*|prefix=$destdir$prefix|" "$destdir$libdir/pkgconfig/mctx-1.pc" > "$work/pkgconfig/mctx-1.pc"
export PKG_CONFIG_PATH="$work/pkgconfig"
export LD_LIBRARY_PATH="$destdir$libdir"
export GI_TYPELIB_PATH="$destdir$libdir/girepository-1.0"
export PYTHONPATH="$site"
# Where GJS looks for the overrides, relocated into the DESTDIR.
export GJS_PATH="$destdir$datadir/gjs-1.0"

for example in send source paced batch metrics raw-send; do
  # Parts this build lacks have no example to build.
  [ "$example" != metrics ] || grep -q '^#define MCTX_HAS_METRICS' "$destdir$includedir/mctx-1/mctx/mctx-features.h" || continue
  [ "$example" != raw-send ] || [ "$raw" = 1 ] || continue
  # shellcheck disable=SC2046
  cc -o "$work/example-$example" "$source/examples/$example.c" $(pkg-config --cflags --libs mctx-1)
done
if command -v valac >/dev/null; then
  valac --quiet --vapidir "$destdir$datadir/vala/vapi" --pkg mctx-1 \
    -X -w -o "$work/example-send-vala" "$source/examples/send.vala"
fi
export MCTX_EXAMPLE_BIN_DIR="$work"
export MCTX_EXAMPLES_DIR="$source/examples"

# Python from a virtual environment that sees the system's site packages
# (PyGObject comes from there): the examples run with its interpreter.
"$python" -m venv --system-site-packages --without-pip "$work/venv"
"$work/venv/bin/python" -c 'import sys; assert sys.prefix != sys.base_prefix, "not a virtual environment"'
exec "$work/venv/bin/python" "$source/tests/python/test_examples.py"
