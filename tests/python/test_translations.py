#!/usr/bin/python3
# The tools and the library speak German and French: a bad argument gives
# the translated one-line error, and --help is translated. Uses the build
# tree's catalogs (MCTX_LOCALEDIR) and the de_DE/fr_FR locales that
# build-aux/install-deps.sh generates.
#
# SPDX-License-Identifier: BSD-2-Clause

import os
import subprocess
import unittest

MCTX_SEND = os.environ["MCTX_SEND"]


def run(locale, *args, tool=MCTX_SEND):
    env = {**os.environ, "LANGUAGE": locale.split("_")[0], "LC_ALL": locale,
           "MCTX_LOCALEDIR": os.environ["MCTX_LOCALEDIR"]}
    return subprocess.run([tool, *args], capture_output=True, text=True, env=env, timeout=30)


class TranslationTest(unittest.TestCase):
    def test_german_library_error(self):
        result = run("de_DE.UTF-8", "10.1.2.3", "5000", "x")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr,
                         "mctx-send: 10.1.2.3 ist keine Multicast-Gruppe (IPv4 224.0.0.0/4 oder IPv6 ff00::/8)\n")

    def test_german_tool_error(self):
        result = run("de_DE.UTF-8", "239.1.2.3", "5000", "x", "--ttl", "300")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, "mctx-send: Ungültiger Wert für --ttl „300“: erwartet wird eine Zahl von 0 bis 255\n")

    def test_french_errors(self):
        result = run("fr_FR.UTF-8", "239.1.2.3", "0", "x")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr,
                         "mctx-send: Port « 0 » invalide : un nombre de 1 à 65535 est attendu\n")
        result = run("fr_FR.UTF-8", "239.1.2.3", "5000")
        self.assertEqual(result.stderr,
                         "mctx-send: Arguments manquants : GROUPE PORT CHARGE sont requis (voir --help)\n")

    def test_help(self):
        german = run("de_DE.UTF-8", "--help").stdout
        self.assertIn("Genau diese Quelladresse binden", german)
        self.assertIn("GRUPPE PORT NUTZDATEN [ANZAHL] [INTERVALL_MS]", german)
        french = run("fr_FR.UTF-8", "--help").stdout
        self.assertIn("Lier exactement cette adresse source", french)

    def test_receiver_option_errors(self):
        # Nothing is joined: the options are refused first.
        recv = os.environ["MCTX_RECV"]
        result = run("de_DE.UTF-8", "239.1.2.3", "5000", "--max-loss", "-1", tool=recv)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr,
                         "mctx-recv: Ungültiger Wert für --max-loss „-1“: erwartet wird ein Prozentsatz von 0 bis 100\n")
        result = run("fr_FR.UTF-8", "239.1.2.3", "5000", "--count", "-3", tool=recv)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr,
                         "mctx-recv: --count « -3 » invalide : un nombre de 0 à 9223372036854775807 est attendu\n")
        german = run("de_DE.UTF-8", "--help", tool=recv).stdout
        self.assertIn("Höchstens so viele Ströme verfolgen", german)

    def test_untranslated_locale_stays_english(self):
        result = run("C.UTF-8", "10.1.2.3", "5000", "x")
        self.assertIn("is not a multicast group", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
