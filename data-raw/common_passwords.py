"""The common passwords the server refuses: ``src/shootprint/server/data/common-passwords.txt``.

Source (data build time only; zxcvbn is never imported at run time, the server reads the text file):

* the ``passwords`` frequency list shipped inside the zxcvbn wheel (``zxcvbn/frequency_lists.py``,
  zxcvbn 4.5.0, MIT licence, https://github.com/dwolfhub/zxcvbn-python, a port of Dropbox's
  zxcvbn): the 30,000 most common passwords, most common first, counted by zxcvbn's authors from
  the ten million passwords published by Mark Burnett on xato.net in 2015 (public breach corpora).

What is kept: every password of that list at least as long as the server's minimum
(``shootprint.server.security.MIN_PASSWORD_LENGTH``) — a shorter one is refused by its length
anyway — in the list's order, most common first, without duplicates. Of the 30,000, 1,090 have 10
characters or more; the whole list is kept whatever that count (``LIMIT`` caps it at 10,000).

Then a marked, hand-written section kept from the earlier list: French favourites, seasons with
their year and this application's own words, which the corpus misses (``motdepasse1``,
``summer2026``, ``shootprint1`` …), with the same length rule, and only those the zxcvbn list does
not already hold (it has ``motdepasse`` and ``azertyuiop``).

The server compares in lower case (``security.common_passwords``); the list is lower case.

Run from the repository root with the data dependencies installed (``pip install -e ".[data]"``)::

    python data-raw/common_passwords.py           # write the file
    python data-raw/common_passwords.py --check   # exit 1 if the shipped file is not what this builds
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from shootprint.server.security import MIN_PASSWORD_LENGTH

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "shootprint" / "server" / "data" / "common-passwords.txt"
LIMIT = 10_000

#: kept from the earlier hand-written list (entries the zxcvbn list lacks and long enough to matter):
#: French favourites, seasons with their year, and words of this application and its trade
EXTRA = [
    # French favourites
    "marseille13",
    "motdepasse1",
    "motdepasse123",
    # seasons with their year
    "autumn2024",
    "spring2024",
    "summer2024",
    "summer2025",
    "summer2026",
    "winter2024",
    "winter2025",
    "winter2026",
    # this application and its trade
    "administrator",
    "photography",
    "photoshoot",
    "production",
    "production1",
    "shootprint",
    "shootprint1",
]


def breach_list() -> tuple[list[str], str]:
    """zxcvbn's ``passwords`` list, most common first, and the installed zxcvbn version."""
    try:
        from zxcvbn.frequency_lists import FREQUENCY_LISTS
    except ImportError:
        sys.exit("zxcvbn is not installed: pip install -c constraints.txt -e '.[data]'")
    words = FREQUENCY_LISTS["passwords"]
    if isinstance(words, str):  # older releases keep each list as one comma-separated string
        words = words.split(",")
    return list(words), metadata.version("zxcvbn")


def build() -> str:
    words, version = breach_list()
    kept: list[str] = []
    seen: set[str] = set()
    for word in words:
        word = word.strip().lower()
        if len(word) >= MIN_PASSWORD_LENGTH and word not in seen and not word.startswith("#"):
            kept.append(word)
            seen.add(word)
        if len(kept) == LIMIT:
            break
    extra = [w for w in dict.fromkeys(w.lower() for w in EXTRA) if len(w) >= MIN_PASSWORD_LENGTH and w not in seen]
    header = [
        "# Passwords the server refuses whatever else they have (compared in lower case).",
        f"# Source: the 'passwords' frequency list of zxcvbn {version} (MIT licence,",
        "# https://github.com/dwolfhub/zxcvbn-python, port of Dropbox's zxcvbn): the 30,000 most common",
        "# passwords counted from the ten million published on xato.net in 2015 (public breach corpora).",
        f"# Kept: the {len(kept)} of them with at least {MIN_PASSWORD_LENGTH} characters (the minimum length),",
        "# most common first; then a marked hand-written section.",
        "# Built by: python data-raw/common_passwords.py (check: python data-raw/common_passwords.py --check)",
    ]
    section = ["# -- hand-written, not from zxcvbn: French favourites, seasons, this application's own words --"]
    return "\n".join(header + kept + section + extra) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped file is stale, change nothing")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run data-raw/common_passwords.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    count = sum(1 for line in text.splitlines() if not line.startswith("#"))
    print(f"wrote {OUT.relative_to(ROOT)}: {count} passwords")
    return 0


if __name__ == "__main__":
    sys.exit(main())
