#!/bin/sh
# Installs the build into a DESTDIR, checks that every part is there, then
# builds the C and Vala examples against the installed tree with only
# `pkg-config mctx-1` and runs them, and the Python and GJS ones with the
# installed typelib and overrides (tests/python/test_examples.py), all in
# the environment the installed mctx-1-env.sh sets. A second, smaller
# build installs for real into a fresh prefix that neither Python nor GJS
# searches: `meson setup` and `meson install` must both say so, and the
# environment script must make the tools, pkg-config, Python and GJS use
# that prefix. Runs in a network namespace of its own
# (tests/run-in-netns.sh).
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
python=${MCTX_PYTHON:-python3}
# What `meson install` prints is what the person installing sees.
installed=$(meson install -C "$build" --destdir "$destdir" --no-rebuild --quiet 2>&1) || {
  printf '%s\n' "$installed"
  exit 1
}
[ -z "$installed" ] || printf 'meson install: %s\n' "$installed"

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
expect "$datadir/mctx-1/mctx-1-env.sh"
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
  echo "installed: ${overrides#"$destdir"}"
else
  echo "MISSING: gi/overrides/Mctx.py"
  missing=1
fi
[ "$missing" = 0 ] || exit 1

# `meson install` (and `meson setup` before it) says when the overrides
# went where the interpreters do not look, and only then:
#   check_notices OUTPUT VERB PYTHON_SITE GJS_DIR
check_notices() {
  said=$1 verb=$2 check_site=$3 check_gjs=$4
  python_said=$(printf '%s\n' "$said" | grep "mctx: the Python overrides $verb " || true)
  if "$python" -c 'import os, sys; sys.exit(os.path.realpath(sys.argv[1]) not in {os.path.realpath(p) for p in sys.path if p})' "$check_site"; then
    [ -z "$python_said" ] || { echo "FAIL: a Python notice for a searched directory: $python_said"; exit 1; }
    echo "no Python notice: $check_site is searched"
  else
    case $python_said in
      *"set PYTHONPATH=$check_site "*) echo "Python notice: $python_said" ;;
      *) echo "FAIL: no Python notice for $check_site in: $said"; exit 1 ;;
    esac
  fi
  command -v gjs >/dev/null || return 0
  gjs_said=$(printf '%s\n' "$said" | grep "mctx: the GJS overrides $verb " || true)
  if gjs -c 'print(imports.searchPath.join("\n"))' | grep -qxF "$check_gjs"; then
    [ -z "$gjs_said" ] || { echo "FAIL: a GJS notice for a searched directory: $gjs_said"; exit 1; }
    echo "no GJS notice: $check_gjs is searched"
  else
    case $gjs_said in
      *"set GJS_PATH=$check_gjs "*) echo "GJS notice: $gjs_said" ;;
      *) echo "FAIL: no GJS notice for $check_gjs in: $said"; exit 1 ;;
    esac
  fi
}
site=$(dirname "$(dirname "$(dirname "$overrides")")")
check_notices "$installed" "went to" "${site#"$destdir"}" "$datadir/gjs-1.0"

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

# A fresh prefix that neither interpreter searches, installed for real
# (no DESTDIR) from a second build of the same sources without tests, docs,
# manuals or translations: `meson setup` warns and `meson install` says
# what to set, and the environment script they name makes the tools,
# pkg-config, Python and GJS use that prefix and nothing else.
fresh=$destdir/fresh
fresh_prefix=$fresh/prefix
mkdir -p "$fresh"
meson setup "$fresh/build" "$source" --prefix="$fresh_prefix" -Dpython="$python" \
  -Dtools=enabled -Dintrospection=enabled -Dtests=disabled -Ddocs=disabled -Dman=disabled -Dnls=disabled \
  > "$fresh/setup.log" 2>&1 || { cat "$fresh/setup.log"; exit 1; }
meson compile -C "$fresh/build" > "$fresh/compile.log" 2>&1 || { cat "$fresh/compile.log"; exit 1; }
fresh_site=$("$python" -c 'import sys, sysconfig; print(sysconfig.get_path("purelib", "posix_prefix", vars={"base": sys.argv[1]}))' "$fresh_prefix")
fresh_gjs=$fresh_prefix/share/gjs-1.0
echo "fresh prefix: meson setup"
check_notices "$(grep '^[^ ]*: WARNING: mctx: ' "$fresh/setup.log")" "go to" "$fresh_site" "$fresh_gjs"
fresh_installed=$(meson install -C "$fresh/build" --no-rebuild --quiet 2>&1) || {
  printf '%s\n' "$fresh_installed"
  exit 1
}
echo "fresh prefix: meson install"
check_notices "$fresh_installed" "went to" "$fresh_site" "$fresh_gjs"
case $fresh_installed in
  *"source $fresh_prefix/share/mctx-1/mctx-1-env.sh "*) ;;
  *) echo "FAIL: the notice does not name the environment script"; exit 1 ;;
esac
(
  unset PKG_CONFIG_PATH LD_LIBRARY_PATH GI_TYPELIB_PATH PYTHONPATH GJS_PATH
  # Twice: the second time adds nothing.
  # shellcheck disable=SC1091
  . "$fresh_prefix/share/mctx-1/mctx-1-env.sh"
  # shellcheck disable=SC1091
  . "$fresh_prefix/share/mctx-1/mctx-1-env.sh"
  for variable in PATH PKG_CONFIG_PATH LD_LIBRARY_PATH GI_TYPELIB_PATH PYTHONPATH GJS_PATH; do
    value=$(eval "printf '%s' \"\$$variable\"")
    first=${value%%:*}
    case $first in "$fresh_prefix"/*) ;; *) echo "FAIL: $variable=$value"; exit 1 ;; esac
    [ "$(printf '%s\n' "$value" | tr : '\n' | grep -cxF "$first")" = 1 ] || { echo "FAIL: $variable twice: $value"; exit 1; }
    echo "mctx-1-env.sh: $variable starts with $first"
  done
  [ "$(command -v mctx-send)" = "$fresh_prefix/bin/mctx-send" ] || { echo "FAIL: mctx-send is $(command -v mctx-send)"; exit 1; }
  girdir=$(pkg-config --variable=girdir mctx-1)
  typelibdir=$(pkg-config --variable=typelibdir mctx-1)
  if [ "$girdir" != "$fresh_prefix/share/gir-1.0" ] || [ ! -e "$girdir/Mctx-1.0.gir" ]; then
    echo "FAIL: girdir=$girdir"; exit 1
  fi
  if [ "${typelibdir#"$fresh_prefix"/}" = "$typelibdir" ] || [ ! -e "$typelibdir/Mctx-1.0.typelib" ]; then
    echo "FAIL: typelibdir=$typelibdir"; exit 1
  fi
  echo "pkg-config: girdir=$girdir typelibdir=$typelibdir"

  # Python and GJS load the library, typelib and overrides of the prefix.
  "$python" - "$fresh_prefix" <<'EOF'
import sys

import gi

gi.require_version("GIRepository", "2.0")
gi.require_version("Mctx", "1.0")
from gi.repository import GIRepository, Mctx  # noqa: E402

prefix = sys.argv[1] + "/"
assert hasattr(Mctx, "_overrides_module"), "the Python overrides were not found"
overrides = sys.modules["gi.overrides.Mctx"].__file__
typelib = GIRepository.Repository.get_default().get_typelib_path("Mctx")
Mctx.UdpPublicationConfig("239.1.2.3", 5000)  # the overrides' constructor loads the library
with open("/proc/self/maps") as maps:
    libraries = {line.split()[-1] for line in maps if "libmctx-1.so" in line}
for what in [overrides, typelib, *libraries]:
    assert what.startswith(prefix), what
assert libraries, "libmctx-1 is not loaded"
print("python: overrides %s, typelib %s, library %s" % (overrides, typelib, ", ".join(libraries)))
EOF
  if command -v gjs >/dev/null; then
    # shellcheck disable=SC2016
    gjs -c '
  imports.gi.versions.GIRepository = "2.0";
  imports.gi.versions.Mctx = "1.0";
  const prefix = ARGV[0] + "/";
  const Mctx = imports.gi.Mctx;
  const overrides = imports.overrides.Mctx.__file__;
  const typelib = imports.gi.GIRepository.Repository.get_default().get_typelib_path("Mctx");
  for (const what of [overrides, typelib]) {
      if (!what.startsWith(prefix))
          throw new Error(`${what} is not in the prefix`);
  }
  print(`gjs: overrides ${overrides}, typelib ${typelib}`);
  ' "$fresh_prefix"
  fi

  # The smallest Python program, and GJS awaiting a send (which needs the
  # overrides' promises, and exits 0 even when it fails: its output says).
  run_program() {
    said=$("$@" 2>&1)
    [ "$said" = "sent 15 bytes to 239.1.2.3:5000" ] || { echo "FAIL: $*: $said"; exit 1; }
    echo "$*: $said"
  }
  run_program "$python" "$source/examples/send.py"
  if command -v gjs >/dev/null; then
    run_program gjs -m "$source/examples/send-async.js"
  fi
)

# Consumers see only the installed tree: the environment its
# mctx-1-env.sh sets, relocated into the DESTDIR, and its pkg-config file,
# relocated the same way.
work=$destdir/examples
mkdir -p "$work/pkgconfig"
sed "s|^\(_mctx_prepend [A-Z_]* \"\)/|\1$destdir/|" "$destdir$datadir/mctx-1/mctx-1-env.sh" > "$work/env.sh"
sed "s|^prefix=.*|prefix=$destdir$prefix|" "$destdir$libdir/pkgconfig/mctx-1.pc" > "$work/pkgconfig/mctx-1.pc"
unset PKG_CONFIG_PATH LD_LIBRARY_PATH GI_TYPELIB_PATH PYTHONPATH GJS_PATH
# shellcheck disable=SC1091
. "$work/env.sh"
export PKG_CONFIG_PATH="$work/pkgconfig:$PKG_CONFIG_PATH"
for variable in LD_LIBRARY_PATH GI_TYPELIB_PATH PYTHONPATH GJS_PATH; do
  eval "echo \"env.sh: $variable=\$$variable\""
done
[ "$(pkg-config --variable=girdir mctx-1)" = "$destdir$datadir/gir-1.0" ] || { echo "FAIL: girdir"; exit 1; }
[ "$(pkg-config --variable=typelibdir mctx-1)" = "$destdir$libdir/girepository-1.0" ] || { echo "FAIL: typelibdir"; exit 1; }
echo "pkg-config: girdir and typelibdir"

for example in send source ssm paced batch metrics raw-send; do
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
