"""tipdata release create|list|approve|budget|share: de-identified releases."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.accounts.models import Organisation
from tipdata.accounts.selectors import organisation_by_slug
from tipdata.sharing.models import Release
from tipdata.sharing.services import (
    agreement_record,
    budget_for,
    budget_set,
    release_approve,
    release_create,
)


class Command(BaseCommand):
    help = "Create, list, approve and share de-identified releases (tipdata release create --org SLUG --k 11 --epsilon 1.0 --out DIR)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Write k-anonymous microdata, DP tables, synthetic data and reports.")
        create.add_argument("--org", required=True)
        create.add_argument("--k", type=int, default=11)
        create.add_argument("--epsilon", type=float, default=1.0)
        create.add_argument("--out", required=True, help="an empty or new directory")
        create.add_argument("--format", choices=["ctdc", "htcds"], default="ctdc")
        create.add_argument("--title", default="")
        create.add_argument("--json", action="store_true")
        lst = sub.add_parser("list", help="The organisation's releases.")
        lst.add_argument("--org", required=True)
        approve = sub.add_parser("approve", help="Approve a release so its files can be downloaded.")
        approve.add_argument("--org", required=True)
        approve.add_argument("--id", type=int, required=True)
        budget = sub.add_parser("budget", help="Show or set the organisation's privacy budget (total epsilon).")
        budget.add_argument("--org", required=True)
        budget.add_argument("--total", type=float)
        share = sub.add_parser("share", help="Record with whom a release is shared, on what terms, until when.")
        share.add_argument("--org", required=True)
        share.add_argument("--id", type=int, required=True)
        share.add_argument("--recipient", required=True)
        share.add_argument("--terms", required=True)
        share.add_argument("--until", required=True, help="YYYY-MM-DD")

    def _org(self, slug: str) -> Organisation:
        org = organisation_by_slug(slug)
        if org is None:
            raise CommandError(f"no organisation with slug {slug!r} (see: tipdata org list)")
        return org

    def _release(self, org: Organisation, pk: int) -> Release:
        release = Release.objects.filter(organisation=org, pk=pk).first()
        if release is None:
            raise CommandError(f"{org.slug} has no release {pk} (see: tipdata release list --org {org.slug})")
        return release

    def handle(self, *args: Any, **options: Any) -> None:
        org = self._org(options["org"])
        action = options["action"]
        try:
            if action == "create":
                release = release_create(organisation=org, actor=None, k=options["k"], epsilon=options["epsilon"],
                                         out_dir=options["out"], fmt=options["format"], title=options["title"])
                privacy = release.manifest["privacy"]
                if options["json"]:
                    self.stdout.write(json.dumps({"id": release.pk, "out": release.out_dir, **privacy,
                                                  "persons": release.persons_included,
                                                  "excluded_no_consent": release.persons_excluded}, default=str))
                else:
                    self.stdout.write(
                        f"release {release.pk} written to {release.out_dir}: k={privacy['k']}, epsilon={release.epsilon:g}, "
                        f"{release.persons_included} persons ({release.persons_excluded} left out: no consent to statistics). "
                        "An admin must approve it before its files are shared: "
                        f"tipdata release approve --org {org.slug} --id {release.pk}"
                    )
            elif action == "list":
                for r in Release.objects.filter(organisation=org):
                    self.stdout.write(f"{r.pk}\t{r.created_at:%Y-%m-%d}\t{r.status}\tk={r.k}\teps={r.epsilon:g}\t{r.persons_included}\t{r.title}")
            elif action == "approve":
                release_approve(release=self._release(org, options["id"]), actor=None)
                self.stdout.write(f"release {options['id']} approved")
            elif action == "budget":
                budget = budget_set(organisation=org, actor=None, total_epsilon=options["total"]) if options["total"] else budget_for(org)
                self.stdout.write(f"{org.slug}: spent {budget.spent_epsilon:g} of {budget.total_epsilon:g} (remaining {budget.remaining:g})")
            elif action == "share":
                agreement_record(release=self._release(org, options["id"]), actor=None, recipient=options["recipient"],
                                 terms=options["terms"], valid_until=date.fromisoformat(options["until"]))
                self.stdout.write(f"release {options['id']} shared with {options['recipient']} until {options['until']}")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
