"""The built-in quality checks. Each is registered under its slug; docs/quality.md explains them.

Consistency checks reason only from values that are valid: a birth date the dictionary
rejects is a validity issue, and is not also reported as "born after registration".
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from tipdata.engines.standard import Dictionary, Field, StandardError

from .base import Check, Issue, IssueType, Parameter, at_least, register_check, share
from .errors import QualitySpecError
from .schema import CLOSED_STATUSES, Row, is_sealed_field

_CODED_TYPES = ("select_one", "select_multiple", "number", "date", "boolean")


def _field_list(names: Any, dictionary: Dictionary, where: str, *, coded_only: bool = False) -> list[str] | None:
    if names is None:
        return None
    out: list[str] = []
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise QualitySpecError(f"{where}[{i}]", f"{name!r} is not a field name")
        try:
            fld = dictionary.field(name)
        except StandardError as exc:
            raise QualitySpecError(f"{where}[{i}]", str(exc)) from None
        if coded_only and (fld.type not in _CODED_TYPES or is_sealed_field(fld)):
            raise QualitySpecError(f"{where}[{i}]", f"{fld.name} is a {fld.type} field; only coded fields "
                                   f"({', '.join(_CODED_TYPES)}) can be listed here")
        out.append(fld.name)
    return out


def _full_years(born: dt.date, on: dt.date) -> int:
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def _months_before(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    # The 31st of a month minus one month is the last day of the shorter month.
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _short(value: Any) -> str:
    if isinstance(value, tuple | list):
        return " ".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- completeness ---------------------------------------------------------------------

@register_check
class RequiredFieldsCheck(Check):
    slug = "required_fields"
    title = "Required fields missing"
    description = ("Every field in the spec's expected_fields must hold a value, where its condition applies "
                   "(the forced-labour industry only when the exploitation includes forced labour). Encrypted "
                   "fields such as names count as present without being decrypted; after an erasure they are "
                   "no longer expected.")
    issue_types = (IssueType("missing_required", "completeness", "An expected field is empty."),)
    parameters = (
        Parameter("only_core", False, (bool,), "raise issues only for HTCDS core fields (scores still count all)"),
    )

    def validate_row(self, row: Row) -> Iterable[Issue]:
        for expected in self.context.expected_fields:
            if self.params["only_core"] and not expected.core:
                continue
            if expected.applies(row) and not row.has(expected.name):
                when = ""
                if expected.when:
                    when = " (expected when " + " and ".join(c.describe() for c in expected.when) + ")"
                yield self.issue(row, "missing_required", f"{expected.name} is empty{when}", field=expected.name)


# --- validity -------------------------------------------------------------------------

def looks_like_free_text(fld: Field, raw: Any, *, min_words: int, min_length: int) -> bool:
    """Whether a value the dictionary rejected reads as words typed by hand rather than a code."""
    if isinstance(raw, list | tuple):
        if not all(isinstance(item, str) for item in raw):
            return False
        text = " ".join(raw)
    elif isinstance(raw, str):
        text = raw
    else:
        return False
    tokens = [t for t in re.split(r"[\s;]+", text.strip()) if t]
    if not any(re.search(r"[^\W\d_]", t) for t in tokens):
        return False  # digits and punctuation only: a malformed number or date, not prose
    if fld.type == "select_multiple":
        # Codes are separated by spaces, so count the words that are not codes.
        codes = {c.casefold() for c in fld.allowed_codes}
        unknown = [t for t in tokens if t.casefold() not in codes]
        if len(unknown) >= min_words and len(unknown) * 2 >= len(tokens):
            return True
    elif len(tokens) >= min_words:
        return True
    return len(text) >= min_length and len(tokens) > 1


@register_check
class DictionaryValuesCheck(Check):
    slug = "dictionary_values"
    title = "Values outside the dictionary"
    description = ("Every value must be allowed by the HTCDS dictionary: a code of the field's list, a date as "
                   "YYYY-MM-DD, a number within the field's range, true or false. Values that read as free text "
                   "are left to free_text_in_coded_field when that check is on, so one cell is reported once.")
    issue_types = (IssueType("value_not_in_dictionary", "validity", "A value the dictionary does not allow."),)
    parameters = (
        Parameter("fields", None, (list, type(None)), "fields to check (null: every dictionary field given)"),
    )

    @classmethod
    def check_params(cls, params: dict[str, Any], dictionary: Dictionary, where: str) -> dict[str, Any]:
        params["fields"] = _field_list(params["fields"], dictionary, f"{where}.fields")
        return params

    def validate_row(self, row: Row) -> Iterable[Issue]:
        wanted = self.params["fields"]
        free_text_on = FreeTextCheck.slug in self.context.enabled
        text_params = self.context.params.get(FreeTextCheck.slug) or {p.name: p.default for p in FreeTextCheck.parameters}
        for name, error in row.invalid.items():
            if wanted is not None and name not in wanted:
                continue
            fld = self.context.dictionary.field(name)
            if looks_like_free_text(fld, row.raw[name], min_words=text_params["min_words"],
                                    min_length=text_params["min_length"]):
                if not free_text_on:
                    # Still never repeat typed text, which may hold a name.
                    yield self.withheld_issue(row, "value_not_in_dictionary",
                                              f"{name}: holds text that is not a value of this field (text withheld)",
                                              field=name)
                continue
            allowed = ""
            if error.allowed:
                allowed = ("; allowed: " + ", ".join(error.allowed) if len(error.allowed) <= 12
                           else f"; allowed: one of the {len(error.allowed)} codes of the dictionary list")
            yield self.issue(row, "value_not_in_dictionary",
                             f"{name}: {_short(row.raw[name])!r} is not allowed: {error.reason}{allowed}",
                             field=name, value=row.raw[name])


@register_check
class FreeTextCheck(Check):
    slug = "free_text_in_coded_field"
    title = "Free text in coded fields"
    description = ("A field meant to hold a code, number, date or yes/no holds words typed by hand ('worked on a "
                   "fishing boat', 'about 15'). The text is never repeated in the report: a caseworker may have "
                   "typed a name into it.")
    issue_types = (IssueType("free_text_in_coded_field", "validity", "Words typed into a coded field."),)
    parameters = (
        Parameter("min_words", 2, (int,), "words (not codes) that make a value free text", at_least(1)),
        Parameter("min_length", 30, (int,), "length from which a rejected value with a space is free text", at_least(1)),
    )

    def validate_row(self, row: Row) -> Iterable[Issue]:
        for name in row.invalid:
            fld = self.context.dictionary.field(name)
            if fld.type not in _CODED_TYPES:
                continue
            if looks_like_free_text(fld, row.raw[name], min_words=self.params["min_words"],
                                    min_length=self.params["min_length"]):
                kind = {"select_one": "a code", "select_multiple": "codes", "number": "a number",
                        "date": "a date", "boolean": "yes or no"}[fld.type]
                yield self.withheld_issue(row, "free_text_in_coded_field",
                                          f"{name} holds free text where {kind} belongs (text withheld)", field=name)


@register_check
class SuspiciousDefaultCheck(Check):
    slug = "suspicious_default"
    title = "Suspicious defaults"
    description = ("Within one organisation, the same value in nearly every record of a coded field (a form "
                   "default nobody changed, a copy-paste), and a large share of birth dates on 1 January (an "
                   "unknown day written as a date). Reported for the dataset, not for each record.")
    issue_types = (
        IssueType("same_value_in_nearly_every_record", "validity", "One value fills nearly every record of a field."),
        IssueType("birth_dates_on_january_first", "validity", "Many birth dates fall on 1 January."),
    )
    parameters = (
        Parameter("threshold", 0.95, (float, int), "share of filled records holding the same value", share()),
        Parameter("min_records", 20, (int,), "filled records a field needs before it is judged", at_least(2)),
        Parameter("fields", None, (list, type(None)), "coded fields to watch (null: every coded field given)"),
        Parameter("ignore", [], (list,), "fields where one value is expected (e.g. citizenship in a national programme)"),
        Parameter("january_first_share", 0.05, (float, int),
                  "share of birth dates on 1 January that is suspicious (about 0.3% by chance)", share()),
    )

    @classmethod
    def check_params(cls, params: dict[str, Any], dictionary: Dictionary, where: str) -> dict[str, Any]:
        params["fields"] = _field_list(params["fields"], dictionary, f"{where}.fields", coded_only=True)
        params["ignore"] = _field_list(params["ignore"], dictionary, f"{where}.ignore") or []
        return params

    def validate_dataset(self, rows: Sequence[Row]) -> Iterable[Issue]:
        by_org: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            by_org[row.organisation].append(row)
        threshold, minimum = self.params["threshold"], self.params["min_records"]
        wanted, ignore = self.params["fields"], set(self.params["ignore"])
        for org, org_rows in sorted(by_org.items()):
            counts: dict[str, Counter[Any]] = defaultdict(Counter)
            for row in org_rows:
                for name, value in row.clean.items():
                    if (wanted is None or name in wanted) and name not in ignore:
                        counts[name][value] += 1
            for name in sorted(counts):
                fld = self.context.dictionary.field(name)
                if fld.type not in _CODED_TYPES or (fld.is_picklist and len(fld.values) < 2):
                    continue
                filled = sum(counts[name].values())
                value, top = counts[name].most_common(1)[0]
                if filled >= minimum and top / filled >= threshold:
                    where = f" in {org}" if org else ""
                    yield self.issue(None, "same_value_in_nearly_every_record",
                                     f"{top} of {filled} records{where} ({top / filled:.0%}) have {name} = "
                                     f"{_short(value)}: a default left unchanged?",
                                     field=name, value=value, organisation=org)
            births = [row.clean["prs_birthdate"] for row in org_rows if "prs_birthdate" in row.clean]
            if "prs_birthdate" not in ignore and len(births) >= minimum:
                first = sum(1 for b in births if (b.month, b.day) == (1, 1))
                if first / len(births) >= self.params["january_first_share"]:
                    where = f" in {org}" if org else ""
                    yield self.issue(None, "birth_dates_on_january_first",
                                     f"{first} of {len(births)} birth dates{where} ({first / len(births):.0%}) are "
                                     "on 1 January: unknown days written as dates? Record only the year, or "
                                     "leave the date empty",
                                     field="prs_birthdate", organisation=org)


# --- consistency ----------------------------------------------------------------------

@register_check
class BirthAfterRegistrationCheck(Check):
    slug = "birth_after_registration"
    title = "Born after the case was registered"
    description = "The person's birth date is later than the day their case was registered."
    issue_types = (IssueType("birth_after_registration", "consistency", "Birth date after registration."),)

    def validate_row(self, row: Row) -> Iterable[Issue]:
        born, registered = row.clean.get("prs_birthdate"), row.registered_on
        if born is not None and registered is not None and born > registered:
            yield self.issue(row, "birth_after_registration",
                             f"born {born.isoformat()}, after the case was registered on {registered.isoformat()}",
                             field="prs_birthdate", value=born)


@register_check
class AgeAtExploitationCheck(Check):
    slug = "age_at_exploitation"
    title = "Age at exploitation does not fit the birth date"
    description = ("Exploitation comes before registration, so the age when trafficked cannot exceed the age at "
                   "registration (from the birth date). A child at registration recorded as an adult when "
                   "trafficked is the case that matters most: child victims have other rights and services. "
                   "Child labour recorded for an adult is also reported.")
    issue_types = (
        IssueType("child_marked_adult", "consistency", "A child at registration recorded as adult when trafficked."),
        IssueType("older_at_exploitation_than_at_registration", "consistency",
                  "Age when trafficked above the age at registration."),
        IssueType("child_labour_for_adult", "consistency", "Child labour recorded for someone trafficked as an adult."),
    )
    parameters = (
        Parameter("adult_age", 18, (int,), "age from which a person is an adult", at_least(1)),
        Parameter("tolerance_years", 0, (int,), "years of slack for approximate birth dates", at_least(0)),
    )

    def validate_row(self, row: Row) -> Iterable[Issue]:
        adult, slack = self.params["adult_age"], self.params["tolerance_years"]
        age = row.clean.get("vic_age_when_trafficked")
        born, registered = row.clean.get("prs_birthdate"), row.registered_on
        if age is not None and born is not None and registered is not None and born <= registered:
            at_registration = _full_years(born, registered)
            if age > at_registration + slack:
                if at_registration < adult <= age:
                    yield self.issue(row, "child_marked_adult",
                                     f"aged {at_registration} at registration (born {born.isoformat()}) but recorded "
                                     f"as {_short(age)} when trafficked: a child recorded as an adult",
                                     field="vic_age_when_trafficked", value=age)
                else:
                    yield self.issue(row, "older_at_exploitation_than_at_registration",
                                     f"recorded as {_short(age)} when trafficked but aged {at_registration} at "
                                     f"registration (born {born.isoformat()})",
                                     field="vic_age_when_trafficked", value=age)
        types = row.clean.get("vic_type_of_exploitation") or ()
        if age is not None and age >= adult and "ChildLabour" in types:
            yield self.issue(row, "child_labour_for_adult",
                             f"child labour recorded, but aged {_short(age)} when trafficked",
                             field="vic_type_of_exploitation", value=types)


@register_check
class SexSubtypeWithoutSexualExploitationCheck(Check):
    slug = "sex_subtype_without_sexual_exploitation"
    title = "Type of sexual exploitation without sexual exploitation"
    description = ("vic_type_of_sex_exploitation is filled but vic_type_of_exploitation does not include "
                   "SexualExploitation: one of the two is wrong, and statistics by type will disagree.")
    issue_types = (IssueType("sex_subtype_without_sexual_exploitation", "consistency",
                             "A sexual-exploitation type without sexual exploitation."),)

    def validate_row(self, row: Row) -> Iterable[Issue]:
        subtype = row.clean.get("vic_type_of_sex_exploitation")
        if not subtype or "vic_type_of_exploitation" in row.invalid:
            return
        types = row.clean.get("vic_type_of_exploitation") or ()
        if "SexualExploitation" not in types:
            shown = _short(types) if types else "nothing"
            yield self.issue(row, "sex_subtype_without_sexual_exploitation",
                             f"type of sexual exploitation {_short(subtype)} recorded, but the type of exploitation "
                             f"is {shown}", field="vic_type_of_sex_exploitation", value=subtype)


@register_check
class ClosedWithoutReasonCheck(Check):
    slug = "closed_without_reason"
    title = "Closed case without a closure reason"
    description = ("A case whose status is closed has no reason for closure recorded. The reason is an encrypted "
                   "narrative: only whether it is there is checked (has_closure_reason, or "
                   "cas_reason_for_case_closure in sealed_present).")
    issue_types = (IssueType("closed_without_reason", "consistency", "Closed without a reason for closure."),)
    parameters = (
        Parameter("closed_statuses", list(CLOSED_STATUSES), (list,), "cas_status codes that mean closed"),
    )

    @classmethod
    def check_params(cls, params: dict[str, Any], dictionary: Dictionary, where: str) -> dict[str, Any]:
        status = dictionary.field("cas_status")
        out = []
        for i, code in enumerate(params["closed_statuses"]):
            try:
                out.append(status.value(code).code)
            except (StandardError, AttributeError):
                raise QualitySpecError(f"{where}.closed_statuses[{i}]", f"{code!r} is not a cas_status code; "
                                       f"allowed: {', '.join(status.allowed_codes)}") from None
        params["closed_statuses"] = out
        return params

    def validate_row(self, row: Row) -> Iterable[Issue]:
        status = row.clean.get("cas_status")
        if status not in self.params["closed_statuses"]:
            return
        has_reason = row.has_closure_reason
        if has_reason is None:
            has_reason = row.has("cas_reason_for_case_closure")
        if not has_reason:
            closed = f" on {row.closed_on.isoformat()}" if row.closed_on else ""
            yield self.issue(row, "closed_without_reason", f"case closed ({status}){closed} without a reason for closure",
                             field="cas_reason_for_case_closure")


@register_check
class CaseStatusDatesCheck(Check):
    slug = "case_status_dates"
    title = "Case status and dates disagree"
    description = ("A closed case needs a closing date on or after its registration; an open case has no "
                   "closing date.")
    issue_types = (
        IssueType("closed_without_date", "consistency", "Closed status without a closing date."),
        IssueType("open_with_closing_date", "consistency", "Open status with a closing date."),
        IssueType("closed_before_registration", "consistency", "Closing date before registration."),
    )

    def validate_row(self, row: Row) -> Iterable[Issue]:
        status = row.clean.get("cas_status")
        if status is None:
            return
        if row.closed and row.closed_on is None:
            yield self.issue(row, "closed_without_date", f"status {status} but no closing date", field="closed_on")
        if not row.closed and row.closed_on is not None:
            yield self.issue(row, "open_with_closing_date",
                             f"status {status} but closed on {row.closed_on.isoformat()}", field="closed_on",
                             value=row.closed_on)
        if row.closed_on is not None and row.registered_on is not None and row.closed_on < row.registered_on:
            yield self.issue(row, "closed_before_registration",
                             f"closed on {row.closed_on.isoformat()}, before registration on "
                             f"{row.registered_on.isoformat()}", field="closed_on", value=row.closed_on)


def _outgoing(row: Row) -> list[dt.date]:
    dates = list(row.referral_out_dates)
    if row.clean.get("cas_outgoing_referral_date") is not None:
        dates.append(row.clean["cas_outgoing_referral_date"])
    return sorted(dates)


def _incoming(row: Row) -> list[dt.date]:
    dates = list(row.referral_in_dates)
    if row.clean.get("cas_incoming_referral_date") is not None:
        dates.append(row.clean["cas_incoming_referral_date"])
    return sorted(dates)


@register_check
class ReferralBeforeRegistrationCheck(Check):
    slug = "referral_before_registration"
    title = "Referred before the case was registered"
    description = "An outgoing referral is dated before the case it refers was registered."
    issue_types = (IssueType("referral_before_registration", "consistency", "Outgoing referral before registration."),)

    def validate_row(self, row: Row) -> Iterable[Issue]:
        if row.registered_on is None:
            return
        early = [d for d in _outgoing(row) if d < row.registered_on]
        if early:
            yield self.issue(row, "referral_before_registration",
                             f"referred out on {early[0].isoformat()}, before the case was registered on "
                             f"{row.registered_on.isoformat()}", field="referral_out_dates", value=early[0])


@register_check
class ReferralOrderCheck(Check):
    slug = "referral_dates_out_of_order"
    title = "Referral dates out of order"
    description = ("An outgoing referral dated before the incoming referral that brought the case, or after the "
                   "case was closed (beyond tolerance_days).")
    issue_types = (
        IssueType("outgoing_before_incoming", "consistency", "Referred out before it was referred in."),
        IssueType("referral_after_closure", "consistency", "Referred out after the case was closed."),
    )
    parameters = (
        Parameter("tolerance_days", 0, (int,), "days a referral may follow the closing date", at_least(0)),
    )

    def validate_row(self, row: Row) -> Iterable[Issue]:
        outgoing, incoming = _outgoing(row), _incoming(row)
        if outgoing and incoming and outgoing[0] < incoming[0]:
            yield self.issue(row, "outgoing_before_incoming",
                             f"referred out on {outgoing[0].isoformat()}, before it was referred in on "
                             f"{incoming[0].isoformat()}", field="referral_out_dates", value=outgoing[0])
        if outgoing and row.closed_on is not None:
            late = [d for d in outgoing if (d - row.closed_on).days > self.params["tolerance_days"]]
            if late:
                yield self.issue(row, "referral_after_closure",
                                 f"referred out on {late[-1].isoformat()}, after the case was closed on "
                                 f"{row.closed_on.isoformat()}", field="referral_out_dates", value=late[-1])


@register_check
class DateInFutureCheck(Check):
    slug = "date_in_future"
    title = "Dates in the future"
    description = "A date later than the day of the report (as_of): birth, registration, closing, referral, any dictionary date."
    issue_types = (IssueType("date_in_future", "consistency", "A date after the day of the report."),)
    parameters = (
        Parameter("tolerance_days", 0, (int,), "days of slack (time zones, planned closing dates)", at_least(0)),
    )

    def validate_row(self, row: Row) -> Iterable[Issue]:
        limit = self.context.as_of + dt.timedelta(days=self.params["tolerance_days"])
        dates: list[tuple[str, dt.date]] = []
        for column in ("registered_on", "closed_on", "created_at", "updated_at"):
            value = getattr(row, column)
            if value is not None:
                dates.append((column, value))
        dates += [("referral_out_dates", d) for d in row.referral_out_dates]
        dates += [("referral_in_dates", d) for d in row.referral_in_dates]
        dates += [(name, v) for name, v in row.clean.items() if isinstance(v, dt.date)]
        reported: set[str] = set()
        for name, value in dates:
            if value > limit and name not in reported:
                reported.add(name)
                yield self.issue(row, "date_in_future",
                                 f"{name} is {value.isoformat()}, after {self.context.as_of.isoformat()}",
                                 field=name, value=value)


# --- timeliness -----------------------------------------------------------------------

@register_check
class StaleOpenRecordCheck(Check):
    slug = "stale_open_record"
    title = "Open cases not updated"
    description = ("A case that is still open (not closed, no closing date) whose record has not changed for "
                   "`months` months before the report date: either the case is closed and the record says "
                   "otherwise, or follow-up is not being recorded. Needs updated_at (or created_at).")
    issue_types = (IssueType("stale_open_record", "timeliness", "An open case with no update for months."),)
    parameters = (
        Parameter("months", 6, (int,), "months without an update before an open case is stale", at_least(1)),
    )

    def validate_row(self, row: Row) -> Iterable[Issue]:
        last = row.last_change
        if row.closed or row.closed_on is not None or last is None:
            return
        cutoff = _months_before(self.context.as_of, self.params["months"])
        if last < cutoff:
            yield self.issue(row, "stale_open_record",
                             f"open, last changed {last.isoformat()}: more than {self.params['months']} months "
                             f"before {self.context.as_of.isoformat()}", field="updated_at", value=last)
