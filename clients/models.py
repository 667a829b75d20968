import datetime

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from clients.identity_code import identity_code_hash, parse_identity_code, validate_identity_code


class TranslatedNameMixin(models.Model):
    """A name kept as data in each interface language; `name` picks the active one."""

    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "fi")[:2]
        return getattr(self, f"name_{language}", None) or self.name_fi


class EmploymentArea(TranslatedNameMixin):
    """A group of municipalities that organises employment services together (act 380/2023).

    The area supervises the municipal workers who use the service (seed 000 §8).
    """

    code = models.CharField(_("employment area code"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("employment area")
        verbose_name_plural = _("employment areas")
        ordering = ["name_fi"]


class Municipality(TranslatedNameMixin):
    """A municipality of Statistics Finland's classification, kept as data (clients/data/).

    Held as django-guardian object permissions: which municipalities a labour-authority official
    serves and which a supervisor oversees. Never time-limited and never about one client: the
    personal access grant stays the only way to open a record.
    """

    code = models.CharField(_("municipality code"), max_length=3, unique=True)
    employment_area = models.ForeignKey(
        EmploymentArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("employment area"),
    )
    # False once a newer classification no longer lists it (merged into another): its clients
    # and grants stay, and nothing new can be recorded there.
    in_classification = models.BooleanField(_("in the current classification"), default=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_fi"]
        permissions = [
            ("serve_municipality", _("Serves the municipality as a labour-authority official")),
            ("oversee_municipality", _("Oversees the use of the service in the municipality")),
        ]


class Classification(models.Model):
    """Which edition of a classification the reference data was loaded from, and when."""

    class Kind(models.TextChoices):
        MUNICIPALITIES = "municipalities", _("municipalities")
        EMPLOYMENT_AREAS = "employment_areas", _("employment areas")

    kind = models.CharField(_("classification"), max_length=30, choices=Kind)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=300)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        ordering = ["kind", "-loaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}"


class ClientGroup(TranslatedNameMixin):
    """The client groups a municipal worker's use may target (agreement §7), kept as data."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)

    class Meta:
        verbose_name = _("client group")
        verbose_name_plural = _("client groups")
        ordering = ["code"]


class ServiceLanguage(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class RecordedRow(models.Model):
    """Who recorded a row, and when: part of every entry about a client (act 916/2012, 13:4)."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        abstract = True


class SourcedRow(RecordedRow):
    """A row that did not come from the client: also where it came from (agreement §4 ¶1)."""

    source = models.CharField(
        _("source of the information"),
        max_length=200,
        help_text=_("Where the information came from, if not from the client."),
    )

    class Meta:
        abstract = True


class ClientQuerySet(models.QuerySet):
    """Keeps `identity_code_hash` in step on the bulk paths, which never call Client.save()."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for client in objs:
            client.identity_code_hash = identity_code_hash(client.identity_code)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "identity_code" in fields:
            objs = list(objs)
            for client in objs:
                client.identity_code_hash = identity_code_hash(client.identity_code)
            fields = [*fields, "identity_code_hash"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        # bulk_update() arrives here with both fields as expressions, the hash already computed.
        if "identity_code" in kwargs and "identity_code_hash" not in kwargs:
            code = kwargs["identity_code"]
            if not isinstance(code, str):
                raise TypeError("identity_code is updated with a value, so that its hash follows")
            kwargs["identity_code_hash"] = identity_code_hash(code)
        return super().update(**kwargs)


class Client(models.Model):
    identity_code = models.CharField(
        _("personal identity code"),
        max_length=11,
        unique=True,
        validators=[validate_identity_code],
    )
    # The identity code's keyed hash, by the same function as a staff account's
    # (clients.identity_code.identity_code_hash): what lets the policy's set form refuse a
    # worker their own record in SQL. Derived from `identity_code` on every write (save() and
    # ClientQuerySet), never set by hand. Indexed to be looked up; not unique, since
    # `identity_code` already is.
    identity_code_hash = models.CharField(
        _("keyed hash of the identity code"),
        max_length=64,
        db_index=True,
        editable=False,
        default="",
    )
    first_names = models.CharField(_("first names"), max_length=200)
    last_name = models.CharField(_("last name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    post_office = models.CharField(_("post office"), max_length=100, blank=True)
    home_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, verbose_name=_("home municipality")
    )
    mother_tongue = models.CharField(
        _("mother tongue"), max_length=8, help_text=_("ISO 639-1 code, e.g. fi, sv, ar.")
    )
    service_language = models.CharField(
        _("language of service"), max_length=2, choices=ServiceLanguage
    )
    # Who registered the client and from what; empty only on rows from before intake existed.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    source = models.CharField(
        _("source of the information"), max_length=200, blank=True, default=""
    )

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_names", "id"]
        indexes = [models.Index(fields=["home_municipality", "last_name", "first_names"])]

    def __str__(self):
        return f"{self.last_name}, {self.first_names}"

    def save(self, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "identity_code" in update_fields:
            self.identity_code_hash = identity_code_hash(self.identity_code)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "identity_code_hash"}
        super().save(**kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}"

    @property
    def mother_tongue_name(self) -> str:
        """The language's name in the active interface language, or its code if unknown."""
        try:
            return gettext(get_language_info(self.mother_tongue)["name"])
        except KeyError:
            return self.mother_tongue

    @property
    def birth_date(self):
        return parse_identity_code(self.identity_code).birth_date

    @property
    def has_temporary_identity_code(self) -> bool:
        return parse_identity_code(self.identity_code).is_temporary

    @property
    def relationship(self) -> "ClientRelationship | None":
        """The newest client relationship: the current one, or the last one if it has ended."""
        return self.relationships.order_by("-started_on", "-id").first()


class ClientRelationship(SourcedRow):
    """One client relationship. A returning client gets a new one; its end starts the
    four-year retention clock (agreement §10)."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="relationships", verbose_name=_("client")
    )
    started_on = models.DateField(_("client relationship started on"))
    ended_on = models.DateField(_("client relationship ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("client relationship")
        verbose_name_plural = _("client relationships")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="relationship_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.started_on:%Y-%m-%d}..{self.ended_on or ''}"


class ClientMove(SourcedRow):
    """A change of home municipality, from `moved_on`: what `Client.home_municipality` was."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="moves", verbose_name=_("client")
    )
    moved_from = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("moved from")
    )
    moved_to = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("moved to")
    )
    moved_on = models.DateField(_("moved on"))

    class Meta:
        verbose_name = _("move")
        verbose_name_plural = _("moves")
        ordering = ["-moved_on", "-id"]

    def __str__(self):
        return f"{self.moved_from} > {self.moved_to} ({self.moved_on:%Y-%m-%d})"


class ReferralQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> "ReferralQuerySet":
        """Referrals in force on `day`: from their first day to the day before they end.

        The one answer to "which referrals count", for the policy and every list.
        """
        return self.filter(referred_on__lte=day).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=day)
        )


class Referral(SourcedRow):
    """The labour authority's referral of a client, with a client group tag (agreement §4)."""

    class EndReason(models.TextChoices):
        EMPLOYED = "employed", _("employed")
        EDUCATION = "education", _("started studies")
        SERVICE_COMPLETED = "service_completed", _("service completed")
        OTHER_SERVICE = "other_service", _("referred to another service")
        MOVED = "moved", _("moved away")
        RELATIONSHIP_ENDED = "relationship_ended", _("client relationship ended")
        ENTERED_IN_ERROR = "entered_in_error", _("entered in error")
        OTHER = "other", _("other reason")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("client")
    )
    group = models.ForeignKey(
        ClientGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("client group")
    )
    referring_authority = models.CharField(_("referring labour authority"), max_length=200)
    referred_on = models.DateField(_("referred on"))
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("The first day it is no longer in force.")
    )
    end_reason = models.CharField(
        _("reason for ending"), max_length=30, choices=EndReason, blank=True, default=""
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gt=models.F("referred_on")),
                name="referral_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.group} ({self.referred_on:%Y-%m-%d})"


class ServiceNeed(SourcedRow):
    """A service-need assessment. A new one supersedes the previous; none is ever overwritten."""

    class Status(models.TextChoices):
        DOCUMENTED = "documented", _("documented")
        SUPERSEDED = "superseded", _("superseded")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="service_needs", verbose_name=_("client")
    )
    assessment = models.TextField(_("assessment"))
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.CharField(_("assessed by"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DOCUMENTED)

    class Meta:
        verbose_name = _("service need")
        verbose_name_plural = _("service needs")
        ordering = ["-assessed_on", "-id"]

    def __str__(self):
        return f"{self.get_status_display()} ({self.assessed_on:%Y-%m-%d})"


auditlog.register(EmploymentArea)
auditlog.register(Municipality)
auditlog.register(ClientGroup)
# The hash follows the identity code, which the history already shows changing.
auditlog.register(Client, exclude_fields=["identity_code_hash"])
auditlog.register(ClientRelationship)
auditlog.register(ClientMove)
auditlog.register(Referral)
auditlog.register(ServiceNeed)
