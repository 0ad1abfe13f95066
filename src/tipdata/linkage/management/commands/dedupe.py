"""tipdata dedupe: duplicate persons, in an organisation (--org) or in a person file (--input)."""

from __future__ import annotations

import argparse
import json
import sys

from django.core.management.base import CommandError

from tipdata.engines.linkage.cli import dedupe_main
from tipdata.web.passthrough import PassthroughCommand


class Command(PassthroughCommand):
    help = "Find the same person recorded twice: --org SLUG stores pairs for review; --input FILE --pairs-out FILE for a person file."
    engine_main = staticmethod(dedupe_main)

    def run_from_argv(self, argv: list[str]) -> None:
        args = argv[2:]
        if "--org" not in args:
            super().run_from_argv(argv)
            return
        parser = argparse.ArgumentParser(prog="tipdata dedupe")
        parser.add_argument("--org", required=True)
        parser.add_argument("--threshold", type=float)
        parser.add_argument("--json", action="store_true")
        options = parser.parse_args(args)
        from tipdata.accounts.selectors import organisation_by_slug
        from tipdata.linkage.models import DuplicateCandidate
        from tipdata.linkage.services import dedupe_run

        org = organisation_by_slug(options.org)
        if org is None:
            sys.stderr.write(f"no organisation with slug {options.org!r} (see: tipdata org list)\n")
            sys.exit(2)
        try:
            summary = dedupe_run(organisation=org, actor=None, threshold=options.threshold)
        except (ValueError, CommandError) as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(2)
        open_pairs = DuplicateCandidate.objects.filter(organisation=org, status="open")
        if options.json:
            print(json.dumps({"persons": summary.persons, "pairs": summary.pairs_found, "new": summary.new_candidates,
                              "already_decided": summary.already_decided, "open": open_pairs.count(),
                              "seconds": summary.seconds,
                              "candidates": [{"person_1": str(c.person_a.public_id), "person_2": str(c.person_b.public_id),
                                              "score": round(c.score, 4), "evidence": c.evidence}
                                             for c in open_pairs.select_related("person_a", "person_b")]}))
        else:
            print(f"{summary.persons} persons, {summary.pairs_found} candidate pairs ({summary.new_candidates} new, "
                  f"{summary.already_decided} already decided by a reviewer), {open_pairs.count()} to review "
                  f"at /dedupe/ ({summary.seconds:.1f} s)")
            for c in open_pairs.select_related("person_a", "person_b")[:20]:
                agree = ", ".join(f"{k}: {v['level']}" for k, v in c.evidence.items())
                print(f"  {c.score:.3f}  {c.person_a.public_id}  {c.person_b.public_id}  {agree}")
