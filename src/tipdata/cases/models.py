"""Case records in HTCDS 2.0: persons, cases, the persons in a case, consent, referrals, comments.

Coded values (picklists, dates, numbers) are kept by dictionary field name in JSON columns
and validated by the dictionary. Direct identifiers and free-text narratives are never
stored in the clear: they live in ``sealed`` JSON columns as ciphertexts under the record's
own data key (see ``tipdata.keys.envelope``). Every model carries its organisation.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Person(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="persons")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    wrapped_data_key = models.BinaryField(null=True, help_text="Destroyed on erasure (crypto-shredding)")
    org_key_id = models.CharField(max_length=16, blank=True)
    sealed = models.JSONField(default=dict, blank=True, help_text="field name -> ciphertext")
    attributes = models.JSONField(default=dict, blank=True, help_text="coded HTCDS fields (not identifying)")
    local_fields = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    erased_at = models.DateTimeField(null=True, blank=True)
    demo_key = models.CharField(max_length=40, blank=True, help_text="Generator's record key (demo data only)")

    class Meta:
        indexes = [models.Index(fields=["organisation", "created_at"], name="person_org_created")]

    def __str__(self) -> str:
        return f"person {self.public_id}"


class PersonSearchIndex(models.Model):
    """Keyed blind-index digests of a person's names and identity numbers, for exact search."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_index")
    digest = models.CharField(max_length=32)

    class Meta:
        # The person ids travel in the index (PostgreSQL INCLUDE): a search for a common name
        # then reads the index alone, not a table row per person found.
        indexes = [models.Index(fields=["organisation", "digest"], include=["person"], name="person_index_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person", "digest"], name="person_index_unique")
        ]


class CaseStatus(models.TextChoices):
    # HTCDS cas_Status codes
    ACTIVE = "Active", "Active"
    FOLLOW_UP = "FollowUp", "Follow up"
    CLOSED = "Closed", "Closed"
    CLOSED_REFERRED = "ClosedReferred", "Closed, referred"


class Case(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="cases")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    registered_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="owned_cases")
    assigned_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_cases")
    attributes = models.JSONField(default=dict, blank=True)
    exploitation_types = models.CharField(max_length=400, blank=True, help_text="|code|code| for filtering")
    wrapped_data_key = models.BinaryField(null=True)
    org_key_id = models.CharField(max_length=16, blank=True)
    sealed = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-registered_on", "-id"], name="case_org_list"),
            models.Index(fields=["organisation", "status"], name="case_org_status"),
            # By id, carrying organisation and registration date (PostgreSQL INCLUDE): a name
            # search orders the cases it found without reading their rows.
            models.Index(fields=["id"], include=["organisation", "registered_on"], name="case_by_id_listing"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="case_reference_unique_per_org"),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_known"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("registered_on")),
                name="case_closed_after_registered",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def exploitation_type_list(self) -> list[str]:
        return [code for code in self.exploitation_types.split("|") if code]


class PersonRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    PERPETRATOR = "perpetrator", "Perpetrator"
    OTHER = "other", "Other"


class CasePerson(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_persons")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="case_links", db_index=False)
    role = models.CharField(max_length=20, choices=PersonRole.choices)
    context = models.JSONField(default=dict, blank=True, help_text="vic_ / per_ fields")

    class Meta:
        # By person, carrying the organisation and the case (PostgreSQL INCLUDE): a name
        # search goes from the persons found to their cases on the index alone.
        indexes = [models.Index(fields=["person"], include=["organisation", "case"], name="case_person_by_person")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "case", "person", "role"], name="case_person_unique"),
            models.CheckConstraint(condition=Q(role__in=PersonRole.values), name="case_person_role_known"),
        ]


class ConsentPurpose(models.TextChoices):
    SERVICES = "services", "Services"
    REFERRAL = "referral", "Referral to a named organisation"
    STATISTICS = "statistics", "De-identified statistics"
    RESEARCH_CONTACT = "research_contact", "Research contact"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", "Verbal"
    WRITTEN = "written", "Written"
    GUARDIAN = "guardian", "Guardian (for a child)"


class Consent(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    target_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=16, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(purpose__in=ConsentPurpose.values), name="consent_purpose_known"),
            models.CheckConstraint(
                condition=~Q(purpose="referral") | Q(target_organisation__isnull=False),
                name="consent_referral_names_organisation",
            ),
        ]


class Referral(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    direction = models.CharField(max_length=8, choices=[("in", "Incoming"), ("out", "Outgoing")])
    partner = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    partner_name = models.CharField(max_length=200, blank=True)
    referred_on = models.DateField()
    reason = models.CharField(max_length=64, blank=True)
    sealed = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class CaseComment(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sealed = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)


class RetentionRule(models.Model):
    """How long an organisation keeps a survivor's identifiers after their last case closed."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE, related_name="retention_rule")
    erase_years_after_closure = models.PositiveSmallIntegerField(
        help_text="Erase identifiers this many years after the person's last case closed"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(erase_years_after_closure__gte=1), name="retention_at_least_one_year")
        ]


class LocalField(models.Model):
    """A field an organisation adds beside HTCDS, declared in the dictionary's own form."""

    TYPES = [("text", "text"), ("number", "number"), ("date", "date"), ("boolean", "boolean"),
             ("select_one", "select_one"), ("select_multiple", "select_multiple")]
    PRIVACY = [("direct_identifier", "direct_identifier"), ("quasi_identifier", "quasi_identifier"),
               ("sensitive", "sensitive"), ("operational", "operational")]

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="local_fields")
    name = models.CharField(max_length=64, help_text="local_<Name>")
    label = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=TYPES)
    values = models.JSONField(default=list, blank=True, help_text='[{"code": ..., "label": ...}] for picklists')
    privacy_class = models.CharField(max_length=20, choices=PRIVACY)
    purpose = models.CharField(max_length=64, default="case_management")
    maps_to = models.CharField(max_length=64, blank=True, help_text="HTCDS field this refines, if any")
    maps_to_value = models.CharField(max_length=64, blank=True, help_text="HTCDS code a true/any value implies")
    definition = models.TextField(blank=True)
    deprecated = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="local_field_unique_per_org"),
            models.CheckConstraint(condition=Q(name__startswith="local_"), name="local_field_prefix"),
        ]

    def __str__(self) -> str:
        return self.name


class SupportPlan(models.Model):
    """HTCDS spl_: a support plan of a case. Objectives and action plan are sealed narratives."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="support_plans")
    plan_type = models.CharField(max_length=64, help_text="spl_Type code")
    planned_end = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    sealed = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.plan_type} plan"


class TraffickingEvent(models.Model):
    """HTCDS hte_: recruitment, transit or exploitation, where and when. Street and description are sealed."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(max_length=32, help_text="hte_Type code")
    country = models.CharField(max_length=2, blank=True)
    city = models.CharField(max_length=120, blank=True)
    occurred_on = models.DateField(null=True, blank=True)
    sealed = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.event_type} {self.country}"
