"""tipdata link encode|match: privacy-preserving record linkage across agencies.

encode: each agency turns its persons into keyed Bloom-filter encodings (from its tipdata
        organisation with --org, or from a person CSV with --input); no name leaves it.
match:  the hub matches encodings and writes the overlap table for `tipdata estimate`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand

from tipdata.engines.linkage.cli import encode_main, match_main


class Command(BaseCommand):
    help = "Privacy-preserving linkage: link encode (--org SLUG | --input FILE) --secret-file S --out ENC; link match ENC... --out OVERLAPS.csv."

    def run_from_argv(self, argv: list[str]) -> None:
        args = argv[2:]
        if not args or args[0] in {"-h", "--help"}:
            print(self.help)
            print("  tipdata link encode --org SLUG --secret-file SECRET --out ENC")
            print("  tipdata link encode --input PERSONS.csv --secret-file SECRET --out ENC   (see --help)")
            print("  tipdata link match ENC_A ENC_B [ENC_C ...] --out OVERLAPS.csv --pairs-out PAIRS.csv   (see --help)")
            return
        action, rest = args[0], args[1:]
        if action == "match":
            sys.exit(match_main(rest))
        if action != "encode":
            sys.stderr.write(f"unknown action {action!r}: use encode or match\n")
            sys.exit(2)
        if "--org" not in rest:
            sys.exit(encode_main(rest))
        sys.exit(self._encode_org(rest))

    def _encode_org(self, rest: list[str]) -> int:
        from tipdata.accounts.selectors import organisation_by_slug
        from tipdata.engines.linkage.pprl import (
            SecretError,
            encode_persons,
            read_secret,
            write_encodings,
        )
        from tipdata.linkage.selectors import linkage_records

        parser = argparse.ArgumentParser(prog="tipdata link encode")
        parser.add_argument("--org", required=True)
        parser.add_argument("--secret-file", required=True)
        parser.add_argument("--out", required=True)
        options = parser.parse_args(rest)
        org = organisation_by_slug(options.org)
        if org is None:
            sys.stderr.write(f"no organisation with slug {options.org!r} (see: tipdata org list)\n")
            return 2
        try:
            secret = read_secret(options.secret_file)
        except SecretError as exc:
            sys.stderr.write(f"{exc}\n")
            return 2
        records = linkage_records(org, actor=None, purpose="privacy-preserving linkage encoding")
        write_encodings(options.out, encode_persons(records, secret, list_name=org.slug).document)
        from tipdata.audit.services import audit_record

        audit_record(action="linkage.encode", actor_username="cli", organisation=org,
                     changes={"persons": len(records), "file": str(options.out)})
        print(f"encoded {len(records)} persons of {org.slug} into {options.out} (no names or dates in the file)")
        return 0

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("link_args", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, **options: Any) -> None:
        # call_command("link", "encode", ...) arrives here; the command line goes through run_from_argv.
        self.run_from_argv(["tipdata", "link", *options["link_args"]])
