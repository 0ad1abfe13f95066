"""Importing files into an organisation's case records (every write of the intake app).

``import_file`` plans the import with the intake engine, then stores the clean rows
through the case services (identifiers sealed, blind indexes built, audited) in batches,
each one transaction that also records which source rows it stored (``ImportedRow``) and
how far the run got (``ImportRun.rows_done``). An interruption leaves complete batches
only; running the same import again resumes after the last complete batch, and rows
stored before - by this run or an earlier import of the same data - are recognised by
their keys and updated, never duplicated. A dry run does all of it inside one
transaction that is rolled back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tipdata.accounts.models import Membership, Organisation
from tipdata.accounts.roles import Permission, role_has
from tipdata.audit.services import audit_record
from tipdata.cases.bulk import VictimCase, victims_bulk_create
from tipdata.cases.localfields import local_field_define, validate_local_values
from tipdata.cases.models import Case, CasePerson, LocalField, Person, PersonRole, PersonSearchIndex
from tipdata.cases.sealing import open_values, seal_values
from tipdata.cases.services import (
    case_create,
    person_create,
    person_data_key,
    person_index_digests,
    split_sealed_and_coded,
)
from tipdata.engines.intake import (
    CleanRecord,
    IntakeError,
    IntakeRun,
    Plan,
    QuarantinedRow,
    QuarantineWriter,
    Reason,
    plan_import,
)
from tipdata.engines.intake.ctdc import CTDC_LOCAL_FIELDS
from tipdata.engines.intake.mapping import LocalFieldSpec
from tipdata.intake.models import ImportedRow, ImportRun, ImportStatus
from tipdata.keys.services import data_key_open

log = logging.getLogger(__name__)
DEFAULT_BATCH = 1000
Progress = Callable[[int, int | None], None]


@dataclass
class ImportSummary:
    """What an import did. ``rows == imported + updated + quarantined``; ``unchanged`` is
    the part of ``updated`` that matched what was stored already."""

    rows: int
    imported: int
    updated: int
    quarantined: int
    report: str
    unchanged: int = 0
    blank_rows: int = 0
    quarantine: str | None = None
    run: int | None = None
    format: str = ""
    encoding: str | None = None
    dry_run: bool = False
    resumed: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _actor_user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_may_import(organisation: Organisation, actor: Any) -> None:
    user = _actor_user(actor)
    if user is None:
        return  # the operator at the console (tipdata import) or a system job
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None or not role_has(membership.role, Permission.IMPORT_DATA):
        raise PermissionDenied(
            f"{user.get_username()} may not import data into {organisation.slug} "
            "(needs the admin, supervisor or data officer role)"
        )


def local_field_specs(organisation: Organisation) -> list[LocalFieldSpec]:
    """The organisation's declared local fields, as the engine takes them."""
    return [
        LocalFieldSpec.from_dict({"name": lf.name, "label": lf.label, "type": lf.type, "values": lf.values})
        for lf in LocalField.objects.filter(organisation=organisation, deprecated=False).order_by("name")
    ]


def _ensure_ctdc_local_fields(organisation: Organisation, actor: Any) -> None:
    """CTDC columns without an HTCDS field are kept as local fields; declare them once."""
    have = set(LocalField.objects.filter(organisation=organisation).values_list("name", flat=True))
    for spec, privacy in CTDC_LOCAL_FIELDS:
        if spec["name"] not in have:
            local_field_define(
                organisation=organisation, actor=actor, name=spec["name"], label=spec["label"],
                type=spec["type"], privacy_class=privacy, values=spec.get("values"),
                definition="Declared by the CTDC import: a column of the CTDC global dataset that "
                           "HTCDS 2.0 has no field for.",
            )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_folder(organisation: Organisation) -> Path:
    """Where an organisation's import reports, quarantine files and uploads go."""
    base = Path(getattr(settings, "TIPDATA_IMPORT_DIR", "") or Path(settings.VAR_DIR) / "imports")
    out = base / organisation.slug
    out.mkdir(parents=True, exist_ok=True)
    return out


def _safe_stem(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem)[:60] or "import"


def import_file(
    *,
    organisation: Organisation,
    actor: Any,
    path: str | Path,
    format: str = "auto",  # noqa: A002 - the CLI option is --format
    mapping: Any = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH,
    encoding: str | None = None,
    sheet: str | None = None,
    today: dt.date | None = None,
) -> ImportSummary:
    """Import a file (CSV, XLSX, HTCDS toolkit, Kobo/ODK export, CTDC file) into
    ``organisation``. ``mapping``: a ``ColumnMapping``, a YAML path or dict, or ``None`` to
    use the guessed one. ``progress(done, total)`` is called after each batch.

    Raises ``PermissionDenied`` for a user without the import permission and the engine's
    ``IntakeError`` subclasses for files that cannot be read or mapped (nothing stored).
    """
    _check_may_import(organisation, actor)
    source = Path(path)
    if dry_run:
        with transaction.atomic():
            summary = _import(organisation, actor, source, format, mapping, True, progress,
                              batch_size, encoding, sheet, today)
            transaction.set_rollback(True)
        return summary
    return _import(organisation, actor, source, format, mapping, False, progress, batch_size,
                   encoding, sheet, today)


def _plan(organisation: Organisation, actor: Any, source: Path, fmt: str, mapping: Any,
          encoding: str | None, sheet: str | None) -> Plan:
    plan = plan_import(source, format=fmt, mapping=mapping, encoding=encoding, sheet=sheet,
                       local_fields=local_field_specs(organisation))
    if plan.format == "ctdc":
        declared = {lf.name for lf in local_field_specs(organisation)}
        if any(spec["name"] not in declared for spec, _ in CTDC_LOCAL_FIELDS):
            _ensure_ctdc_local_fields(organisation, actor)
            plan = plan_import(source, format="ctdc", mapping=mapping, encoding=encoding, sheet=sheet,
                               local_fields=local_field_specs(organisation))
    return plan


def _import(organisation: Organisation, actor: Any, source: Path, fmt: str, mapping: Any,
            dry_run: bool, progress: Progress | None, batch_size: int, encoding: str | None,
            sheet: str | None, today: dt.date | None) -> ImportSummary:
    plan = _plan(organisation, actor, source, fmt, mapping, encoding, sheet)
    today = today or timezone.now().date()
    file_hash = _sha256(source)
    fingerprint = plan.mapping.fingerprint()
    user = _actor_user(actor)
    run: ImportRun | None = None
    if not dry_run:
        run = (ImportRun.objects.filter(organisation=organisation, file_sha256=file_hash,
                                        mapping_fingerprint=fingerprint, status=ImportStatus.RUNNING)
               .order_by("-started_at").first())
    resumed = run is not None
    if run is None:
        run = ImportRun.objects.create(
            organisation=organisation, actor=user, actor_username=user.get_username() if user else "cli",
            started_at=timezone.now(), file_name=source.name[:255], file_sha256=file_hash,
            file_size=source.stat().st_size, format=plan.format, encoding=plan.encoding or "",
            mapping_fingerprint=fingerprint, spec=plan.spec(),
        )
        stem = f"{'dryrun-' if dry_run else ''}{run.pk:06d}-{_safe_stem(source)}"
        folder = import_folder(organisation)
        run.quarantine_path = str(folder / f"{stem}.quarantine.csv")
        run.report_path = str(folder / f"{stem}.report.json")
        run.save(update_fields=["quarantine_path", "report_path"])
    writer = QuarantineWriter(run.quarantine_path, plan.table.headers,
                              resume_at=run.quarantine_offset if resumed else None)
    intake = IntakeRun(plan, today=today)
    store = _Store(organisation, actor, plan, run, today)
    total = plan.table.estimated_rows
    batch: list[Any] = []
    try:
        for result in intake.results(start_after=run.rows_done if resumed else 0):
            batch.append(result)
            if len(batch) >= batch_size:
                store.batch(batch, writer)
                batch = []
                if progress:
                    progress(run.rows_done, total)
        if batch:
            store.batch(batch, writer)
            if progress:
                progress(run.rows_done, total)
    except IntakeError as exc:
        # The file turned out unreadable part-way (a broken quote, a giant cell): the
        # complete batches stay; the run is marked failed with the reason.
        writer.close()
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.FAILED, error=str(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    except BaseException as exc:
        # Interrupted (Ctrl-C, a database error): the run stays "running" so that the same
        # import resumes after its last complete batch.
        writer.close()
        ImportRun.objects.filter(pk=run.pk).update(error=f"interrupted: {exc!r}"[:2000])
        raise
    writer.close()
    engine_report = intake.report()
    notes = list(engine_report["notes"]) + store.notes()
    with transaction.atomic():
        run.status = ImportStatus.COMPLETED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        if not dry_run:
            audit_record(
                action="import.run", actor=actor, organisation=organisation, object_type="import_run",
                object_id=run.pk,
                changes={"file": run.file_name, "sha256": file_hash, "format": plan.format,
                         "rows": run.rows_done, "imported": run.imported, "updated": run.updated,
                         "unchanged": run.unchanged, "quarantined": run.quarantined},
                actor_username="" if user else "cli",
            )
    has_quarantine = run.quarantined > 0
    if not has_quarantine:
        Path(run.quarantine_path).unlink(missing_ok=True)
    summary = ImportSummary(
        rows=run.rows_done, imported=run.imported, updated=run.updated, quarantined=run.quarantined,
        report=run.report_path, unchanged=run.unchanged, blank_rows=engine_report["blank_rows"],
        quarantine=run.quarantine_path if has_quarantine else None, run=None if dry_run else run.pk,
        format=plan.format, encoding=plan.encoding, dry_run=dry_run, resumed=resumed, notes=notes,
    )
    report = {
        "summary": summary.to_dict(),
        "plan": plan.summary(),
        "spec": plan.spec(),
        "date_formats": engine_report["date_formats"],
        "registered_on_sources": engine_report["registered_on_sources"],
        "quarantined_rows": store.quarantine_preview,
    }
    report_file = Path(run.report_path)
    report_file.touch(mode=0o600, exist_ok=True)
    report_file.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return summary


class _Store:
    """Writes batches of results: new records through the case services, re-imported ones
    as updates, bad ones to the quarantine file; keeps the run's counters in step."""

    def __init__(self, organisation: Organisation, actor: Any, plan: Plan, run: ImportRun, today: dt.date) -> None:
        self.organisation = organisation
        self.actor = actor
        self.user = _actor_user(actor)
        self.plan = plan
        self.run = run
        self.today = today
        self.mapped = plan.mapped_fields()
        self.erased_skipped = 0
        self.registered_today = 0
        self.quarantine_preview: list[dict[str, Any]] = []

    def notes(self) -> list[str]:
        out = []
        if self.erased_skipped:
            out.append(f"{self.erased_skipped} rows belong to persons whose data were erased; they were not imported again")
        if self.registered_today:
            out.append(f"{self.registered_today} records had no registration date; the import date was used")
        return out

    # -- one batch, one transaction

    def batch(self, results: list[Any], writer: QuarantineWriter) -> None:
        quarantined: list[QuarantinedRow] = [r for r in results if isinstance(r, QuarantinedRow)]
        clean: list[CleanRecord] = [r for r in results if isinstance(r, CleanRecord)]
        counts = {"imported": 0, "updated": 0, "unchanged": 0}
        with transaction.atomic():
            existing = {
                ir.source_key: ir
                for ir in ImportedRow.objects.filter(
                    organisation=self.organisation, source_key__in=[r.key for r in clean]
                ).select_related("person", "case")
            }
            new: list[CleanRecord] = []
            seen: set[str] = set()
            for record in clean:
                ir = existing.get(record.key)
                if ir is None and record.key_source == "case_id" and record.case_id:
                    ir = self._adopt_case(record)
                if ir is not None and ir.person_id is not None and ir.case_id is not None:
                    outcome = self._update(ir, record)
                    if isinstance(outcome, QuarantinedRow):
                        quarantined.append(outcome)
                    else:
                        counts["updated"] += 1
                        counts["unchanged"] += outcome == "unchanged"
                elif record.key in seen:
                    # The same key twice in one batch (a form exported twice): the later wins.
                    new = [r for r in new if r.key != record.key] + [record]
                    counts["updated"] += 1
                    counts["unchanged"] += 1
                else:
                    seen.add(record.key)
                    new.append(record)
            created, failed = self._create(new, existing)
            counts["imported"] += created
            quarantined.extend(failed)
            for q in sorted(quarantined, key=lambda q: q.row):
                writer.write(q)
                if len(self.quarantine_preview) < 200:
                    self.quarantine_preview.append(q.to_dict())
            offset = writer.flush()
            ImportRun.objects.filter(pk=self.run.pk).update(
                rows_done=F("rows_done") + len(results),
                imported=F("imported") + counts["imported"],
                updated=F("updated") + counts["updated"],
                unchanged=F("unchanged") + counts["unchanged"],
                quarantined=F("quarantined") + len(quarantined),
                quarantine_offset=offset,
            )
        self.run.refresh_from_db()

    # -- new records

    def _create(self, records: list[CleanRecord], existing: dict[str, ImportedRow]) -> tuple[int, list[QuarantinedRow]]:
        if not records:
            return 0, []
        failed: list[QuarantinedRow] = []
        bulk = [r for r in records if not r.reference]
        single = [r for r in records if r.reference]
        made: list[tuple[CleanRecord, Person, Case]] = []
        if bulk:
            try:
                with transaction.atomic():
                    made.extend(self._create_bulk(bulk))
            except (ValidationError, IntegrityError) as exc:
                # One record the services refuse (or a generated reference already taken)
                # spoils the batch; store its records one by one to find the culprits.
                log.info("bulk import batch refused (%s); storing its rows one by one", exc)
                single = bulk + single
        for record in single:
            try:
                with transaction.atomic():
                    made.append(self._create_one(record))
            except (ValidationError, IntegrityError) as exc:
                failed.append(self._refused(record, exc))
        now = timezone.now()
        rows = []
        for record, person, case in made:
            old = existing.get(record.key)
            if old is not None:  # a stale key whose records were deleted: point it at the new ones
                ImportedRow.objects.filter(pk=old.pk).update(
                    person=person, case=case, fingerprint=record.fingerprint, updated_at=now, run=self.run)
                continue
            rows.append(ImportedRow(organisation=self.organisation, source_key=record.key,
                                    fingerprint=record.fingerprint, person=person, case=case, run=self.run,
                                    imported_at=now, repeats=record.repeats))
        ImportedRow.objects.bulk_create(rows)
        return len(made), failed

    def _registered_on(self, record: CleanRecord) -> dt.date:
        if record.registered_on:
            return dt.date.fromisoformat(record.registered_on)
        self.registered_today += 1
        return self.today

    def _create_bulk(self, records: list[CleanRecord]) -> list[tuple[CleanRecord, Person, Case]]:
        items = [
            VictimCase(
                person_values=r.person, registered_on=self._registered_on(r), status=r.status or "Active",
                closed_on=dt.date.fromisoformat(r.closed_on) if r.closed_on else None,
                victim_context=r.victim_context, case_values=r.case, local_fields=r.local_fields,
                owner=self.user,
            )
            for r in records
        ]
        cases = victims_bulk_create(organisation=self.organisation, actor=self.actor, items=items,
                                    batch_size=len(items))
        persons = dict(CasePerson.objects.filter(case__in=cases, role=PersonRole.VICTIM)
                       .values_list("case_id", "person_id"))
        by_id = Person.objects.in_bulk(list(persons.values()))
        return [(r, by_id[persons[c.pk]], c) for r, c in zip(records, cases, strict=True)]

    def _create_one(self, record: CleanRecord) -> tuple[CleanRecord, Person, Case]:
        person = person_create(organisation=self.organisation, actor=self.actor, values=record.person,
                               local_fields=record.local_fields)
        case = case_create(
            organisation=self.organisation, actor=self.actor, victim=person,
            registered_on=self._registered_on(record), status=record.status or "Active",
            closed_on=dt.date.fromisoformat(record.closed_on) if record.closed_on else None,
            case_values=record.case, victim_context=record.victim_context,
            reference=record.reference or "", strict=False,
        )
        return record, person, case

    def _refused(self, record: CleanRecord, exc: Exception) -> QuarantinedRow:
        if isinstance(exc, IntegrityError):
            messages = [f"a case reference not used by another case of {self.organisation.slug}"
                        f" ({record.reference!r} is taken)" if record.reference else f"a record the database accepts ({exc})"]
        else:
            messages = list(getattr(exc, "messages", [str(exc)]))
        reasons = [Reason(record.row, None, None, m) for m in messages]
        return QuarantinedRow(record.row, record.key, record.cells, reasons)

    # -- re-imported records

    def _adopt_case(self, record: CleanRecord) -> ImportedRow | None:
        """A tipdata export imported back into the organisation it came from: the case id
        names the existing case; remember the key so later imports find it directly."""
        case = Case.objects.filter(organisation=self.organisation, public_id=str(record.case_id)).first()
        if case is None:
            return None
        link = CasePerson.objects.filter(case=case, role=PersonRole.VICTIM).select_related("person").first()
        now = timezone.now()
        return ImportedRow.objects.create(
            organisation=self.organisation, source_key=record.key, fingerprint="", case=case,
            person=link.person if link else None, run=self.run, imported_at=now)

    def _update(self, ir: ImportedRow, record: CleanRecord) -> str | QuarantinedRow:
        person, case = ir.person, ir.case
        assert person is not None and case is not None  # noqa: S101 - checked by the caller
        if person.erased_at is not None:
            self.erased_skipped += 1
            return "unchanged"
        if ir.fingerprint == record.fingerprint:
            return "unchanged"
        try:
            with transaction.atomic():
                self._apply_update(person, case, record)
                ImportedRow.objects.filter(pk=ir.pk).update(
                    fingerprint=record.fingerprint, updated_at=timezone.now(), run=self.run,
                    repeats=record.repeats)
        except (ValidationError, IntegrityError) as exc:
            return self._refused(record, exc)
        return "updated"

    def _apply_update(self, person: Person, case: Case, record: CleanRecord) -> None:
        """Replace the mapped fields of a person and case with the file's values (fields the
        file does not map keep what tipdata holds); re-seal, re-index, audit."""
        org = self.organisation
        mapped = self.mapped
        p_seal, p_coded = split_sealed_and_coded(record.person)
        v_seal, v_coded = split_sealed_and_coded(record.victim_context)
        c_seal, c_coded = split_sealed_and_coded(record.case)
        local = validate_local_values(org, record.local_fields)

        def merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
            return {**{k: v for k, v in old.items() if k not in mapped}, **new}

        changed: set[str] = set()
        pref = f"person:{person.public_id}"
        pkey = person_data_key(person)
        p_plain_old = open_values(person.sealed, key=pkey, record_ref=pref)
        p_plain = merged(p_plain_old, p_seal)
        attrs = merged(person.attributes, p_coded)
        local_new = merged(person.local_fields, local)
        changed |= {k for k in set(p_plain) | set(p_plain_old) if p_plain.get(k) != p_plain_old.get(k)}
        changed |= {k for k in set(attrs) | set(person.attributes) if attrs.get(k) != person.attributes.get(k)}
        changed |= {k for k in set(local_new) | set(person.local_fields) if local_new.get(k) != person.local_fields.get(k)}
        Person.objects.filter(pk=person.pk).update(
            attributes=attrs, local_fields=local_new, sealed=seal_values(p_plain, key=pkey, record_ref=pref),
            version=F("version") + 1, updated_at=timezone.now())
        PersonSearchIndex.objects.filter(person=person).delete()
        PersonSearchIndex.objects.bulk_create([
            PersonSearchIndex(organisation=org, person=person, digest=d) for d in person_index_digests(org, p_plain)
        ])
        link = CasePerson.objects.filter(case=case, person=person, role=PersonRole.VICTIM).first()
        context = merged(link.context if link else {}, v_coded)
        if link is not None:
            changed |= {k for k in set(context) | set(link.context) if context.get(k) != link.context.get(k)}
            CasePerson.objects.filter(pk=link.pk).update(context=context)
        cref = f"case:{case.public_id}"
        ckey = data_key_open(wrapped=bytes(case.wrapped_data_key), org_key_id=case.org_key_id, record_ref=cref) \
            if case.wrapped_data_key is not None else None
        c_plain_old = open_values(case.sealed, key=ckey, record_ref=cref) if ckey else {}
        c_plain = merged(c_plain_old, {**c_seal, **v_seal})
        c_attrs = merged(case.attributes, c_coded)
        changed |= {k for k in set(c_plain) | set(c_plain_old) if c_plain.get(k) != c_plain_old.get(k)}
        changed |= {k for k in set(c_attrs) | set(case.attributes) if c_attrs.get(k) != case.attributes.get(k)}
        updates: dict[str, Any] = {
            "attributes": c_attrs, "version": F("version") + 1, "updated_at": timezone.now(),
            "exploitation_types": "|" + "|".join(context.get("vic_type_of_exploitation", [])) + "|",
        }
        if ckey is not None:
            updates["sealed"] = seal_values(c_plain, key=ckey, record_ref=cref)
        if record.status and record.status != case.status:
            updates["status"] = record.status
            changed.add("cas_status")
        if record.registered_on_source == "column" and record.registered_on != case.registered_on.isoformat():
            updates["registered_on"] = dt.date.fromisoformat(record.registered_on)  # type: ignore[arg-type]
            changed.add("registered_on")
        closed = dt.date.fromisoformat(record.closed_on) if record.closed_on else None
        if closed != case.closed_on and (closed is not None or "closed_on" in self._meta_mapped()):
            updates["closed_on"] = closed
            changed.add("closed_on")
        Case.objects.filter(pk=case.pk).update(**updates)
        sealed_names = set(p_plain) | set(p_plain_old) | set(c_plain) | set(c_plain_old)
        audit_record(
            action="import.update", actor=self.actor, organisation=org, object_type="case",
            object_id=case.public_id,
            changes={"run": self.run.pk, "row": record.row, "person": str(person.public_id),
                     "fields": sorted(changed - sealed_names), "sealed_fields": sorted(changed & sealed_names)},
            actor_username="" if self.user else "cli",
        )

    def _meta_mapped(self) -> set[str]:
        return {t.name for t in self.plan.mapping.columns.values() if t.kind == "meta"}
