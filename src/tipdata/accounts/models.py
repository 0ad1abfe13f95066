"""Organisations (tenants), the people who use tipdata, and their role in each organisation."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from tipdata.accounts.roles import Role


class OrganisationKind(models.TextChoices):
    SHELTER_NGO = "shelter_ngo", "Shelter / NGO"
    HOTLINE = "hotline", "Hotline"
    POLICE = "police", "Police anti-trafficking unit"
    SOCIAL_WELFARE = "social_welfare", "Social-welfare office"
    LABOUR_INSPECTION = "labour_inspection", "Labour inspectorate"
    INTERNATIONAL = "international", "International organisation"
    OTHER = "other", "Other"


class Organisation(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code")
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, help_text="Holds synthetic demo data only")

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="organisation_slug_not_empty"),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="organisation_country_iso2"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Roles are per organisation, on Membership."""

    language = models.CharField(max_length=8, blank=True, help_text="Preferred interface language")
    is_platform_operator = models.BooleanField(
        default=False, help_text="Manages organisations and users; cannot read case content"
    )
    totp_secret = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.username


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=[(r.value, r.value) for r in Role])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_one_role_per_org"),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation.slug} ({self.role})"
