"""Every read of case records goes through here: scoped to the organisation and the role.

Missing and forbidden look the same to the caller (``CaseNotFound``), so nobody can learn
that a record of another organisation exists. Reads that reveal identifiers are audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.db import connection, connections, router
from django.db.models import Q, QuerySet

from tipdata import plainsql
from tipdata.accounts.models import Membership
from tipdata.accounts.roles import Permission, role_has
from tipdata.audit.services import audit_record
from tipdata.cases.lookups import Ids, one_of
from tipdata.cases.models import Case, CasePerson, Consent, Person, PersonRole, PersonSearchIndex
from tipdata.cases.sealing import open_values
from tipdata.keys import envelope
from tipdata.keys.services import data_key_open, index_key_plain

MAX_NAME_MATCHES = 2000  # a name shared by more people than this needs a second word to narrow it


class CaseNotFound(Exception):
    """No such case for this user: it does not exist, or the user may not see it."""


def cases_visible(membership: Membership | None) -> QuerySet[Case]:
    """The cases this membership may open (record-level). Viewers get none."""
    if membership is None:
        return Case.objects.none()
    base = Case.objects.filter(organisation_id=membership.organisation_id)
    if role_has(membership.role, Permission.CASE_VIEW_ALL) or role_has(membership.role, Permission.DEID_VIEW):
        return base
    if role_has(membership.role, Permission.CASE_VIEW_OWN):
        user_id = membership.user_id
        # A subquery rather than a join: no DISTINCT over whole rows, which is slow on big lists.
        assigned = Case.assigned_to.through.objects.filter(user_id=user_id).values("case_id")
        return base.filter(Q(owner_id=user_id) | Q(pk__in=assigned))
    return Case.objects.none()


def may_see_identifiers(membership: Membership | None) -> bool:
    return membership is not None and role_has(membership.role, Permission.IDENTIFIERS_VIEW)


@dataclass
class CaseSearch:
    name: str = ""
    status: str = ""
    exploitation_type: str = ""
    registered_from: date | None = None
    registered_to: date | None = None


LIST_FIELDS = ("id", "organisation_id", "public_id", "reference", "status", "registered_on", "closed_on",
               "exploitation_types", "owner_id", "version")


ROW_FIELDS = ("id", "public_id", "reference", "status", "registered_on", "exploitation_types")


class CaseRow(NamedTuple):
    """A case as the list shows it: the list's columns only, without a model instance (for
    25 rows, building instances took longer than reading them)."""

    id: int
    public_id: uuid.UUID
    reference: str
    status: str
    registered_on: date
    exploitation_types: str

    @property
    def pk(self) -> int:
        return self.id

    @property
    def exploitation_type_list(self) -> list[str]:
        return [code for code in self.exploitation_types.split("|") if code]


def case_list_rows(membership: Membership | None, search: CaseSearch) -> QuerySet[Case]:
    """``case_list`` with only the columns a list shows: no ciphertext or attributes loaded."""
    return case_list(membership, search).select_related(None).only(*LIST_FIELDS)


COUNT_CAP = 1000  # a list longer than this says "more than 1,000" instead of counting every row


@dataclass
class ListPage:
    """One page of a list, counted exactly up to ``COUNT_CAP`` rows.

    Counting every case of a national caseload on every page view was a tenth of the
    list's cost; beyond a thousand nobody pages by number, and Next still works (one row
    more is fetched to know there is a next page).
    """

    object_list: list[Any]
    number: int
    count: int
    capped: bool
    has_next: bool
    num_pages: int | None
    cap: int = COUNT_CAP

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def list_page(rows: QuerySet[Any], number: Any, per_page: int = 25, *,
              by_ids: Callable[[list[int]], Iterable[Any]] | None = None) -> ListPage:
    """Page ``number`` of ``rows`` (a bad or out-of-range number gives the nearest page).

    ``by_ids`` (the rows of the given ids) suits a list already narrowed to a few thousand
    rows by id (a name search): the ids of up to ``COUNT_CAP`` + 1 rows are read once, in
    list order, which gives both the count and the page's ids, and the page's rows are then
    read by primary key. The count and the page would otherwise each scan all the
    organisation's cases for the ids.
    """
    ids_first = by_ids is not None
    if ids_first:
        # Up to a thousand integers: read straight off the cursor, not through the ORM's
        # row iterator, which took longer than the query.
        first_ids = rows.values_list("pk")[: COUNT_CAP + 1]
        sql, params = first_ids.query.get_compiler(first_ids.db).as_sql()
        with connections[first_ids.db].cursor() as cursor:
            cursor.execute(sql, params)
            ids = [int(row[0]) for row in cursor.fetchall()]
        count = len(ids)
    else:
        count = rows.order_by().values("pk")[: COUNT_CAP + 1].count()  # an index-only scan of at most that many
    wanted, capped, num_pages = _bounds(count, number, per_page, COUNT_CAP)
    start = (wanted - 1) * per_page
    if ids_first and (not capped or start + per_page < len(ids)):  # the page and the id after it are in ids
        assert by_ids is not None
        found = _in_order(ids[start: start + per_page + 1], by_ids)
    else:
        found = list(rows[start: start + per_page + 1])
    return ListPage(found[:per_page], wanted, count, capped, len(found) > per_page, num_pages, COUNT_CAP)


def case_list_page(membership: Membership, search: CaseSearch, number: Any) -> ListPage:
    """Page ``number`` of the case list for this search.

    A search by name alone, by someone who sees every case of the organisation, is answered
    from the name index: its cases and their order are known from there, and only the
    page's rows are read. Anything else is counted and paged in the database.
    """
    if search.name and not may_see_identifiers(membership):
        return ids_page([], number, case_rows_by_id)  # names are not theirs to search by
    only_name = search.name and not (search.status or search.exploitation_type or search.registered_from
                                     or search.registered_to)
    if only_name and role_has(membership.role, Permission.CASE_VIEW_ALL):
        return ids_page(_name_matches(membership, search.name), number, case_rows_by_id)
    if not search.name and _sees_every_case(membership):
        return _organisation_page(membership.organisation_id, search, number)
    return list_page(case_list_rows(membership, search), number,
                     by_ids=case_rows_by_id if search.name else None)


def _sees_every_case(membership: Membership) -> bool:
    """Whether ``cases_visible`` gives this membership every case of its organisation."""
    return role_has(membership.role, Permission.CASE_VIEW_ALL) or role_has(membership.role, Permission.DEID_VIEW)


def _organisation_page(organisation_id: int, search: CaseSearch, number: Any, per_page: int = 25) -> ListPage:
    """``list_page`` of ``case_list_rows`` for a role that sees every case of the organisation
    and a search without a name, in two plain statements (ADR 0006).

    This is the list as it opens, the busiest read of the app: building, compiling and
    reading these two short queries through the ORM took three times as long as PostgreSQL
    took to answer them. The conditions are those of ``case_list``, written the way the ORM
    writes them on each database; ``test_the_organisation_list_pages_as_the_orm_would``
    holds the two to the same pages. Anyone else, or a search by name, goes through
    ``case_list``.
    """
    alias = router.db_for_read(Case)
    db = connections[alias]
    meta = Case._meta
    where: list[str] = ["organisation_id = %s"]
    params: list[Any] = [organisation_id]
    if search.status:
        where.append("status = %s")
        params.append(search.status)
    if search.exploitation_type:
        where.append(f"exploitation_types {db.operators['contains']}")
        params.append(f"%|{db.ops.prep_for_like_query(search.exploitation_type)}|%")
    if search.registered_from:
        where.append("registered_on >= %s")
        params.append(db.ops.adapt_datefield_value(search.registered_from))
    if search.registered_to:
        where.append("registered_on <= %s")
        params.append(db.ops.adapt_datefield_value(search.registered_to))
    condition = " AND ".join(where)
    with db.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT id FROM {meta.db_table} WHERE {condition} "  # noqa: S608 - no values
                       f"LIMIT {COUNT_CAP + 1}) counted", params)
        count = int(cursor.fetchone()[0])
        wanted, capped, num_pages = _bounds(count, number, per_page, COUNT_CAP)
        cursor.execute(f"SELECT {', '.join(ROW_FIELDS)} FROM {meta.db_table} WHERE {condition} "  # noqa: S608 - no values
                       "ORDER BY registered_on DESC, id DESC LIMIT %s OFFSET %s",
                       [*params, per_page + 1, (wanted - 1) * per_page])
        found = _case_rows(cursor.fetchall(), alias)
    return ListPage(found[:per_page], wanted, count, capped, len(found) > per_page, num_pages, COUNT_CAP)


def ids_page(ids: list[int], number: Any, by_ids: Callable[[list[int]], Iterable[Any]], per_page: int = 25) -> ListPage:
    """Page ``number`` of a list whose ids, in order, are known (and counted exactly); only
    the page's rows are read."""
    wanted, _capped, num_pages = _bounds(len(ids), number, per_page, None)
    found = _in_order(ids[(wanted - 1) * per_page: wanted * per_page + 1], by_ids)
    return ListPage(found[:per_page], wanted, len(ids), False, len(found) > per_page, num_pages, COUNT_CAP)


MAX_PAGE = 1_000_000  # far past any list; a bigger number would overflow the database's offset


def _bounds(count: int, number: Any, per_page: int, cap: int | None) -> tuple[int, bool, int | None]:
    """For a list of ``count`` rows: the page to show for ``number``, whether the count passed
    ``cap`` (``None``: counted exactly), and the number of pages (``None`` past the cap)."""
    if cap is not None and count > cap:
        return _page_number(number), True, None
    num_pages = max(1, -(-count // per_page))
    return min(_page_number(number), num_pages), False, num_pages


def _page_number(number: Any) -> int:
    """The page asked for; anything that is not a positive number asks for the first, and
    a number past ``MAX_PAGE`` for that page (empty: nobody has 25 million cases)."""
    try:
        return min(max(1, int(number)), MAX_PAGE)
    except (TypeError, ValueError, OverflowError):
        return 1


def _in_order(ids: list[int], by_ids: Callable[[list[int]], Iterable[Any]]) -> list[Any]:
    """The rows of these ids, in the order of the ids."""
    by_id = {row.pk: row for row in by_ids(ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def case_rows_by_id(ids: list[int]) -> list[CaseRow]:
    """The list columns of the cases with these ids: for ids already read through ``case_list``.

    In plain SQL (ADR 0006), as ``_organisation_page`` reads its rows: compiling the ORM's
    query took longer than running it. ``test_case_rows_by_id_read_as_the_orm_reads_them``.
    """
    if not ids:
        return []
    alias = router.db_for_read(Case)
    db = connections[alias]
    id_in, param = one_of(db.vendor, Ids(ids))
    with db.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(ROW_FIELDS)} FROM {Case._meta.db_table} WHERE id {id_in}", [param])  # noqa: S608 - no values
        return _case_rows(cursor.fetchall(), alias)


def _case_rows(rows: list[Any], alias: str) -> list[CaseRow]:
    """Plain rows of ``ROW_FIELDS`` as ``CaseRow``, their values converted as the ORM would."""
    converters = plainsql.converters(alias, Case, ROW_FIELDS)
    return [CaseRow._make(plainsql.convert(row, converters, alias)) for row in rows]


def case_list(membership: Membership | None, search: CaseSearch) -> QuerySet[Case]:
    cases = cases_visible(membership)
    if search.status:
        cases = cases.filter(status=search.status)
    if search.exploitation_type:
        cases = cases.filter(exploitation_types__contains=f"|{search.exploitation_type}|")
    if search.registered_from:
        cases = cases.filter(registered_on__gte=search.registered_from)
    if search.registered_to:
        cases = cases.filter(registered_on__lte=search.registered_to)
    if search.name and membership is not None:
        if not may_see_identifiers(membership):
            return Case.objects.none()
        # The case ids travel as one array parameter (see cases/lookups.py).
        cases = cases.filter(pk__any_of=Ids(_name_matches(membership, search.name)))
    return cases.select_related("owner")


def _name_matches(membership: Membership, name: str) -> list[int]:
    """The organisation's cases with a person of that name or identity number, in list order
    (newest registration first), whoever may see them: callers scope them.

    Every word typed must be one of the person's names (any order), or the whole string must
    equal the full name or identity number. One query finds, for every digest, the persons
    indexed under it and their cases; the sets are combined here. (As one query of ORs and
    subqueries, PostgreSQL read every case of the organisation.)
    """
    key = index_key_plain(membership.organisation)
    digests = [envelope.blind_index(name, key, "name"), envelope.blind_index(name, key, "id")]
    token_digests = [envelope.blind_index(t, key, "name") for t in envelope.name_tokens(name)]
    wanted = set(digests) | set(token_digests)
    rows = _persons_and_cases_by_digest(membership.organisation_id, sorted(wanted))
    hits: dict[str, set[int]] = {digest: set() for digest in wanted}
    for digest, person_id, _case_id, _registered in rows:
        hits[digest].add(person_id)
    found: set[int] = set().union(*(hits[d] for d in digests))
    every_word: set[int] | None = None
    for digest in token_digests:
        every_word = hits[digest] if every_word is None else every_word & hits[digest]
    person_ids = found | (every_word or set())
    if len(person_ids) > MAX_NAME_MATCHES:
        person_ids = set(sorted(person_ids)[:MAX_NAME_MATCHES])
    cases = {(registered, case_id) for _d, person_id, case_id, registered in rows if person_id in person_ids}
    return [case_id for _registered, case_id in sorted(cases, reverse=True)]


def _persons_and_cases_by_digest(organisation_id: int, digests: list[str]) -> list[tuple[str, int, int, Any]]:
    """(digest, person id, case id, registration date) for every person of the organisation
    indexed under a digest, with each of their cases of the organisation.

    Plain SQL because the ORM can only join the index to the persons' case links through
    the persons' table, which this needs nothing from: on three covering indexes (the index
    carries the person; the link by person its organisation and case; the case by id its
    organisation and registration date) PostgreSQL answers from indexes alone.
    ``test_name_search_rows_match_the_orm`` holds it to the ORM's answer.
    """
    index, links, cases = PersonSearchIndex._meta.db_table, CasePerson._meta.db_table, Case._meta.db_table
    digest_in, param = one_of(connection.vendor, digests)  # refuses anything but letters and digits
    sql = (f"SELECT i.digest, l.person_id, l.case_id, c.registered_on FROM {index} i "  # noqa: S608 - names from the models
           f"JOIN {links} l ON l.person_id = i.person_id AND l.organisation_id = i.organisation_id "
           f"JOIN {cases} c ON c.id = l.case_id AND c.organisation_id = i.organisation_id "
           f"WHERE i.organisation_id = %s AND i.digest {digest_in}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation_id, param])
        rows = cursor.fetchall()
    if connection.vendor != "postgresql":  # SQLite returns dates as text
        return [(str(d), int(p), int(c), date.fromisoformat(str(r))) for d, p, c, r in rows]
    return [(str(d), int(p), int(c), r) for d, p, c, r in rows]


def case_get(membership: Membership | None, public_id: Any) -> Case:
    try:
        wanted = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise CaseNotFound from exc
    case = cases_visible(membership).filter(public_id=wanted).first()
    if case is None:
        raise CaseNotFound
    return case


@dataclass
class PersonView:
    public_id: str
    role: str
    attributes: dict[str, Any]
    context: dict[str, Any]
    identifiers: dict[str, Any] = field(default_factory=dict)
    erased: bool = False
    consents: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CaseView:
    case: Case
    persons: list[PersonView]
    narratives: dict[str, Any]
    identified: bool
    comments: list[dict[str, Any]] = field(default_factory=list)
    referrals: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def case_read(membership: Membership, case: Case, *, channel: str, actor: Any, ip: str = "") -> CaseView:
    """The case with its persons; identifiers opened (and the read audited) only for roles allowed."""
    identified = may_see_identifiers(membership)
    # Key fields are read fresh: a key rotation may have re-wrapped them since the case was loaded.
    case.refresh_from_db(fields=["wrapped_data_key", "org_key_id", "sealed", "status", "version", "closed_on"])
    persons: list[PersonView] = []
    links = CasePerson.objects.filter(case=case).select_related("person").order_by("role", "id")
    for link in links:
        person = link.person
        view = PersonView(str(person.public_id), link.role, dict(person.attributes), dict(link.context),
                          erased=person.erased_at is not None)
        if identified and person.wrapped_data_key is not None:
            key = data_key_open(wrapped=bytes(person.wrapped_data_key), org_key_id=person.org_key_id,
                                record_ref=f"person:{person.public_id}")
            view.identifiers = open_values(person.sealed, key=key, record_ref=f"person:{person.public_id}")
        view.consents = [
            {"purpose": c.purpose, "method": c.method, "target": c.target_organisation.name if c.target_organisation else "",
             "recorded_at": c.recorded_at, "withdrawn_at": c.withdrawn_at, "id": c.pk}
            for c in Consent.objects.filter(person=person).select_related("target_organisation").order_by("recorded_at")
        ]
        persons.append(view)
    narratives: dict[str, Any] = {}
    comments: list[dict[str, Any]] = []
    if identified and case.wrapped_data_key is not None:
        key = data_key_open(wrapped=bytes(case.wrapped_data_key), org_key_id=case.org_key_id,
                            record_ref=f"case:{case.public_id}")
        narratives = open_values(case.sealed, key=key, record_ref=f"case:{case.public_id}")
        for comment in case.comments.select_related("author").order_by("created_at"):
            text = open_values(comment.sealed, key=key, record_ref=f"comment:{comment.pk}").get("cco_case_comment", "")
            comments.append({"author": comment.author.username if comment.author else "", "at": comment.created_at, "text": text})
    opened = key if identified and case.wrapped_data_key is not None else None
    plans = [
        {"type": p.plan_type, "planned_end": p.planned_end, "actual_end": p.actual_end,
         "text": open_values(p.sealed, key=opened, record_ref=f"plan:{p.pk}") if opened else {}}
        for p in case.support_plans.order_by("created_at")
    ]
    events = [
        {"type": e.event_type, "country": e.country, "city": e.city, "date": e.occurred_on,
         "text": open_values(e.sealed, key=opened, record_ref=f"event:{e.pk}") if opened else {}}
        for e in case.events.order_by("occurred_on", "id")
    ]
    referrals = [
        {"direction": r.direction, "partner": r.partner_name, "date": r.referred_on, "reason": r.reason}
        for r in case.referrals.order_by("referred_on")
    ]
    audit_record(
        action="case.read_identified" if identified else "case.read", actor=actor,
        organisation=membership.organisation, object_type="case", object_id=case.public_id,
        changes={"channel": channel, "fields": sorted({k for p in persons for k in p.identifiers} | set(narratives))},
        ip_address=ip,
    )
    return CaseView(case, persons, narratives, identified, comments, referrals, plans, events)


def _victim_sealed_names(case_ids: list[int]) -> list[tuple[int, Any, Any, str, str | None, str | None]]:
    """(case id, person public id, wrapped data key, organisation key id, sealed first name,
    sealed second name) of the victims of these cases.

    Only the two sealed names are read (JSON key lookups in SQL), not whole persons; in
    plain SQL because on every page of the list Django took longer to compile this query
    than PostgreSQL took to run it. ``test_victim_names_read_as_the_orm_reads_them`` holds it
    to the ORM's answer.
    """
    if not case_ids:
        return []
    links, persons = CasePerson._meta.db_table, Person._meta.db_table
    if connection.vendor == "postgresql":
        first, second = "p.sealed ->> 'prs_first_name'", "p.sealed ->> 'prs_second_name'"
    else:
        first, second = "json_extract(p.sealed, '$.prs_first_name')", "json_extract(p.sealed, '$.prs_second_name')"
    case_in, ids = one_of(connection.vendor, Ids(case_ids))
    sql = (f"SELECT l.case_id, p.public_id, p.wrapped_data_key, p.org_key_id, {first}, {second} "  # noqa: S608 - no values
           f"FROM {links} l JOIN {persons} p ON p.id = l.person_id WHERE l.role = %s AND l.case_id {case_in}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [PersonRole.VICTIM.value, ids])
        return list(cursor.fetchall())


def case_victim_names(cases: list[Case] | list[CaseRow], membership: Membership) -> dict[int, str]:
    """Victim names for a page of the case list (identified roles only)."""
    if not may_see_identifiers(membership):
        return {}
    names: dict[int, str] = {}
    links = _victim_sealed_names([c.pk for c in cases])
    for case_id, public_id, wrapped, org_key_id, first, second in links:
        if wrapped is None:
            names[case_id] = "[erased]"
            continue
        ref = f"person:{uuid.UUID(str(public_id))}"
        sealed = {k: v for k, v in (("prs_first_name", first), ("prs_second_name", second)) if v}
        plain = open_values(sealed, key=data_key_open(wrapped=bytes(wrapped), org_key_id=org_key_id, record_ref=ref),
                            record_ref=ref)
        names[case_id] = " ".join(p for p in (plain.get("prs_first_name"), plain.get("prs_second_name")) if p)
    return names
