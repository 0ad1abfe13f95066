"""Finding duplicates, reviewers' decisions, and merges that an admin can undo. All audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tipdata.accounts.models import Organisation
from tipdata.audit.services import audit_record
from tipdata.cases.models import CasePerson, Person
from tipdata.engines.linkage.dedupe import DedupeSpec, dedupe_persons
from tipdata.linkage.models import DuplicateCandidate, PersonMerge
from tipdata.linkage.selectors import linkage_records


@dataclass(frozen=True)
class DedupeRunSummary:
    persons: int
    pairs_found: int
    new_candidates: int
    already_decided: int
    seconds: float


def dedupe_run(*, organisation: Organisation, actor: Any, threshold: float | None = None) -> DedupeRunSummary:
    """Run the duplicate model over the organisation's persons and store the pairs to review."""
    records = linkage_records(organisation, actor=actor, purpose="deduplication")
    spec = DedupeSpec(threshold=threshold) if threshold is not None else DedupeSpec()
    result = dedupe_persons(records, spec)
    by_public: dict[str, int] = {
        str(public_id): pk for public_id, pk in Person.objects.filter(organisation=organisation).values_list("public_id", "pk")
    }
    new = decided = 0
    with transaction.atomic():
        for pair in result.pairs:
            a, b = sorted((by_public[pair.id_1], by_public[pair.id_2]))
            evidence = {k: {"level": v.level, "description": v.description, "weight": round(v.match_weight, 2)}
                        for k, v in pair.evidence.items()}
            existing = DuplicateCandidate.objects.filter(organisation=organisation, person_a_id=a, person_b_id=b).first()
            if existing is None:
                DuplicateCandidate.objects.create(organisation=organisation, person_a_id=a, person_b_id=b,
                                                  score=pair.match_probability, match_weight=pair.match_weight,
                                                  evidence=evidence)
                new += 1
            elif existing.status != DuplicateCandidate.Status.OPEN:
                decided += 1  # a reviewer already decided: remembered, not asked again
            else:
                existing.score, existing.match_weight, existing.evidence = pair.match_probability, pair.match_weight, evidence
                existing.save(update_fields=["score", "match_weight", "evidence"])
        audit_record(action="dedupe.run", actor=actor, organisation=organisation,
                     changes={"persons": len(records), "pairs": len(result.pairs), "new": new},
                     actor_username="" if actor else "cli")
    return DedupeRunSummary(len(records), len(result.pairs), new, decided, result.seconds)


def candidate_not_same(*, candidate: DuplicateCandidate, actor: Any) -> None:
    with transaction.atomic():
        candidate.status = DuplicateCandidate.Status.NOT_SAME
        candidate.decided_by, candidate.decided_at = actor, timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(action="dedupe.not_same", actor=actor, organisation=candidate.organisation,
                     object_type="duplicate_candidate", object_id=candidate.pk)


def persons_merge(*, candidate: DuplicateCandidate, actor: Any, keep: str = "a") -> PersonMerge:
    """Move the second person's case links to the kept person; the merged record stays, hidden."""
    if candidate.status != DuplicateCandidate.Status.OPEN:
        raise ValidationError("this pair was already decided")
    kept, merged = (candidate.person_a, candidate.person_b) if keep == "a" else (candidate.person_b, candidate.person_a)
    with transaction.atomic():
        links = list(CasePerson.objects.select_for_update().filter(person=merged))
        CasePerson.objects.filter(pk__in=[link.pk for link in links]).update(person=kept)
        merge = PersonMerge.objects.create(organisation=candidate.organisation, kept=kept, merged=merged,
                                           moved_links=[link.pk for link in links], candidate=candidate, merged_by=actor)
        candidate.status = DuplicateCandidate.Status.MERGED
        candidate.decided_by, candidate.decided_at = actor, timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(action="dedupe.merge", actor=actor, organisation=candidate.organisation, object_type="person",
                     object_id=kept.public_id, changes={"merged": str(merged.public_id), "links_moved": len(links)})
    return merge


def persons_unmerge(*, merge: PersonMerge, actor: Any) -> None:
    """Undo a merge: the moved case links go back to the merged person."""
    if merge.undone_at is not None:
        raise ValidationError("this merge was already undone")
    with transaction.atomic():
        CasePerson.objects.filter(pk__in=merge.moved_links, person=merge.kept).update(person=merge.merged)
        merge.undone_by, merge.undone_at = actor, timezone.now()
        merge.save(update_fields=["undone_by", "undone_at"])
        if merge.candidate is not None:
            DuplicateCandidate.objects.filter(pk=merge.candidate.pk).update(status=DuplicateCandidate.Status.OPEN,
                                                                           decided_by=None, decided_at=None)
        audit_record(action="dedupe.unmerge", actor=actor, organisation=merge.organisation, object_type="person",
                     object_id=merge.kept.public_id, changes={"restored": str(merge.merged.public_id),
                                                              "links_restored": len(merge.moved_links)})
