"""A demo municipality region for trying ATMT on a development machine. Never loaded in production.

The Joensuu region of North Karelia: five municipalities, about 300 fictional clients with
referrals, service needs and consents, worker agreements and access grants for the two demo case
workers, and a handful of named clients who each fail exactly one condition of the access rule
for the demo case worker `ohjaaja` (DEMO_SPECIAL_CLIENTS), so that every denial can be shown;
one of them is the other case worker's own client record, refused to him alone for that.

Deterministic: the clients come from random.Random with a fixed seed and the name lists below
(Faker is a development dependency only). Birth dates are absolute, so the identity codes, the
natural key, are the same on every run; the other dates are relative to the day of loading.
Idempotent: a second run finds every row by its natural key and creates or changes nothing.
"""

import datetime
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from access.models import AccessGrant, User, WorkerAgreement
from access.policy import Reason
from clients.identity_code import CENTURIES, parse_identity_code
from clients.models import (
    Client,
    ClientGroup,
    ClientRelationship,
    Municipality,
    Referral,
    ServiceNeed,
)
from consent.models import Consent
from health.models import HealthItem

SEED = 20260167
RANDOM_CLIENT_COUNT = 290  # plus the named clients of DEMO_SPECIAL_CLIENTS: 301 in all
TEMPORARY_CODE_COUNT = 3

EMPLOYMENT_AREA = "Pohjois-Karjalan työllisyysalue"
REFERRING_AUTHORITY = EMPLOYMENT_AREA
SOURCE = "Työvoimaviranomaisen asiakastietojärjestelmä"
ASSESSED_BY = "Työllisyysasiantuntija, Pohjois-Karjalan työllisyysalue"
RECORDER = "paakayttaja"  # grants access rights, and records consents nobody else would
# The labour authority's official, who registered and referred the demo clients.
OFFICIAL = "virkailija"

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"

# The demo's five municipalities (loaded by the clients/0004 migration) and each one's share of
# the clients: Joensuu, Kontiolahti, Liperi, Outokumpu, Polvijärvi.
MUNICIPALITY_WEIGHTS = {"167": 60, "276": 14, "426": 11, "309": 9, "607": 6}

# Postal areas and streets of each municipality: (postal code, post office, streets).
ADDRESSES = {
    "167": (
        ("80100", "Joensuu", ("Torikatu", "Kauppakatu", "Siltakatu", "Koskikatu", "Kirkkokatu")),
        ("80100", "Joensuu", ("Rantakatu", "Suvantokatu", "Papinkatu", "Malmikatu")),
        ("80110", "Joensuu", ("Niinivaarantie", "Tikkamäentie", "Voimatie")),
        ("80140", "Joensuu", ("Noljakantie", "Kanervalantie")),
        ("80160", "Joensuu", ("Rantakylänkatu", "Marjalantie", "Mehtimäenkatu")),
        ("80220", "Joensuu", ("Karsikontie", "Utrantie")),
        ("82200", "Hammaslahti", ("Hammaslahdentie", "Kirkkotie")),
    ),
    "276": (
        ("81100", "Kontiolahti", ("Keskuskatu", "Kirkkotie", "Urheilutie", "Jokirannantie")),
        ("80710", "Lehmo", ("Lehmontie", "Kuusikkotie", "Vanhamaantie")),
    ),
    "426": (
        ("83100", "Liperi", ("Keskustie", "Kirkkotie", "Koulutie")),
        ("83400", "Viinijärvi", ("Viinijärventie", "Asematie")),
        ("83160", "Ylämylly", ("Ylämyllyntie", "Rasivaarantie")),
    ),
    "309": (
        ("83500", "Outokumpu", ("Kummuntie", "Sepänkatu", "Asemakatu", "Vuorikatu", "Kaivoskatu")),
    ),
    "607": (("83700", "Polvijärvi", ("Polvijärventie", "Keskustie", "Sotkumantie")),),
}

# The six groups of the worker agreement (seeded by clients/0002), with a share of the clients
# and the birth years that fit each.
GROUP_WEIGHTS = {
    "ohjaamo_youth": 18,
    "long_term_unemployed": 22,
    "integration": 14,
    "work_ability": 14,
    "employer_cooperation": 12,
    "walk_in": 20,
}
GROUP_BIRTH_YEARS = {
    "ohjaamo_youth": (1997, 2007),
    "long_term_unemployed": (1960, 1995),
    "integration": (1965, 2004),
    "work_ability": (1960, 1995),
    "employer_cooperation": (1965, 2003),
    "walk_in": (1960, 2005),
}

# The demo case workers' scope: (username, municipality codes, client group codes, reason).
GRANTS = (
    (
        "ohjaaja",
        ("167",),
        ("ohjaamo_youth", "walk_in", "integration"),
        "Ohjaamon ja ajanvarauksettoman palvelun asiakasohjaus sekä kotoutujien palveluiden "
        "yhteensovittaminen Joensuun työllisyyspalveluissa.",
    ),
    (
        "valmentaja",
        ("167", "276"),
        ("long_term_unemployed", "work_ability", "employer_cooperation"),
        "Pitkäaikaistyöttömien, työkykyarvion piirissä olevien ja työnantajayhteistyön "
        "asiakkaiden työhönvalmennus Joensuussa ja Kontiolahdella.",
    ),
)

# Whose demo grants cover health and work-ability data, so that the health section can be tried.
HEALTH_DATA_GRANTEES = frozenset({"ohjaaja"})
# The demo client with a health item: the one whose record opens for ohjaaja.
HEALTH_ITEM_CLIENT = "Kalle Kaikkonen"
HEALTH_ITEM = (
    "Kertoo selkävaivasta, joka estää pitkäaikaisen seisomatyön; istumatyö onnistuu. "
    "Huomioidaan työkokeilupaikkaa haettaessa."
)

# --- Names -----------------------------------------------------------------------------------
# Common Finnish names. The surnames of the demo users and of the named clients are left out so
# that nobody is mistaken for them.

FINNISH_MALE = (
    "Juha", "Timo", "Matti", "Kari", "Jari", "Antti", "Jukka", "Mika", "Markku", "Pekka",
    "Ville", "Janne", "Tuomas", "Sami", "Heikki", "Petri", "Juho", "Eetu", "Aleksi", "Joona",
    "Lauri", "Onni", "Elias", "Veeti", "Niko", "Teemu", "Jesse", "Arttu", "Oskari", "Eino",
    "Väinö", "Olli", "Toni", "Jani", "Hannu", "Jouni", "Risto", "Seppo", "Tapio", "Esa",
)  # fmt: skip
FINNISH_FEMALE = (
    "Anne", "Tuula", "Johanna", "Sari", "Minna", "Marja", "Tiina", "Kaisa", "Laura", "Riikka",
    "Hanna", "Heidi", "Jenni", "Emilia", "Sofia", "Ella", "Venla", "Iida", "Siiri", "Aada",
    "Helmi", "Emma", "Pihla", "Eveliina", "Noora", "Henna", "Elina", "Katja", "Satu", "Pirjo",
    "Merja", "Outi", "Milla", "Jonna", "Sanna", "Maija", "Kristiina", "Anu", "Taru", "Essi",
)  # fmt: skip
FINNISH_MALE_MIDDLE = (
    "Juhani", "Tapani", "Kalevi", "Olavi", "Antero", "Johannes", "Mikael", "Ilmari", "Henrik",
    "Matias", "Aleksi", "Oskari", "Petteri", "Kristian",
)  # fmt: skip
FINNISH_FEMALE_MIDDLE = (
    "Maria", "Johanna", "Kaarina", "Helena", "Elina", "Sofia", "Annikki", "Marjatta", "Emilia",
    "Inkeri", "Aurora", "Linnea", "Susanna", "Tuulikki",
)  # fmt: skip
FINNISH_LAST = (
    "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen", "Järvinen", "Lehtonen",
    "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen", "Salonen",
    "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila",
    "Savolainen", "Lahtinen", "Ahonen", "Hirvonen", "Pesonen", "Kettunen", "Räsänen",
    "Partanen", "Hiltunen", "Miettinen", "Hyvönen", "Pitkänen", "Hakkarainen", "Ikonen",
    "Kärkkäinen", "Tolvanen", "Kokkonen", "Lipponen", "Puustinen", "Piiroinen", "Mustonen",
    "Huttunen", "Ronkainen", "Makkonen", "Toivanen", "Tanskanen", "Eronen", "Pakarinen",
    "Sivonen", "Voutilainen", "Sallinen", "Vatanen", "Nevalainen", "Ihalainen", "Hurskainen",
    "Kähkönen", "Ojala",
)  # fmt: skip

# Swedish-speaking Finns.
SWEDISH_MALE = ("Johan", "Erik", "Anders", "Mikael", "Henrik", "Fredrik", "Patrik", "Jonas")
SWEDISH_FEMALE = ("Anna", "Maria", "Sofia", "Emma", "Linnea", "Ida", "Ebba", "Johanna")
SWEDISH_LAST = (
    "Lindqvist", "Holmström", "Nyström", "Sjöberg", "Lindholm", "Wikström", "Eriksson",
    "Johansson", "Forsman", "Granström", "Blomqvist", "Åberg",
)  # fmt: skip

# Immigrant clients, by mother tongue: (male first names, female first names, surnames). A
# surname given as (male, female) has a feminine form.
IMMIGRANT_NAMES = {
    "ar": (
        ("Ahmed", "Mohammed", "Ali", "Omar", "Hassan", "Yousef", "Khaled", "Mustafa", "Ibrahim"),
        ("Fatima", "Amina", "Mariam", "Layla", "Noor", "Zainab", "Huda", "Rania"),
        ("Al-Hassan", "Haddad", "Khalil", "Mansour", "Saleh", "Nasser", "Abdullah", "Hussein"),
    ),
    "so": (
        ("Abdi", "Mohamed", "Abdirahman", "Hassan", "Yusuf", "Liban", "Farah"),
        ("Hodan", "Ifrah", "Sahra", "Fadumo", "Asha", "Hibo", "Ubah"),
        ("Abdullahi", "Warsame", "Farah", "Mohamud", "Osman", "Jama", "Ali"),
    ),
    "ru": (
        ("Aleksei", "Dmitri", "Sergei", "Ivan", "Nikolai", "Andrei", "Maksim"),
        ("Olga", "Natalia", "Anna", "Jelena", "Irina", "Svetlana", "Tatjana"),
        (
            ("Ivanov", "Ivanova"),
            ("Petrov", "Petrova"),
            ("Smirnov", "Smirnova"),
            ("Kuznetsov", "Kuznetsova"),
            ("Volkov", "Volkova"),
            ("Popov", "Popova"),
            ("Sokolov", "Sokolova"),
        ),
    ),
    "en": (
        ("James", "Daniel", "Michael", "David", "Samuel", "Thomas"),
        ("Emily", "Sarah", "Grace", "Jessica", "Rebecca", "Hannah"),
        ("Smith", "Murphy", "O'Brien", "Taylor", "Walker", "Wilson", "Brown"),
    ),
}
IMMIGRANT_TONGUE_WEIGHTS = {"ar": 35, "so": 20, "ru": 30, "en": 15}

# --- Service-need assessments ----------------------------------------------------------------

FIRST_ASSESSMENTS = (
    "Alkuhaastattelu tehty. Palvelutarve arvioidaan uudelleen kolmen kuukauden kuluttua.",
    "Alkukartoitus: työnhaku käynnissä, tarvitsee ohjausta sopivien palveluiden löytämiseen.",
    "Työnhakijan haastattelu tehty; työllistymissuunnitelma laaditaan seuraavassa tapaamisessa.",
    "Alustava arvio: tarvitsee tukea työnhakuun. Tarkennetaan yhdessä asiakkaan kanssa.",
)
ASSESSMENTS = {
    "ohjaamo_youth": (
        "Ammatillinen koulutus keskeytynyt. Tarvitsee tukea koulutusvaihtoehtojen "
        "kartoittamiseen ja arjenhallintaan.",
        "Ylioppilas, ei jatko-opiskelupaikkaa. Tavoitteena työkokeilu ja hakeutuminen kevään "
        "yhteishakuun.",
        "Ensimmäistä työpaikkaa etsivä nuori. Tarvitsee apua ansioluettelon laatimisessa ja "
        "työnhaussa.",
        "Motivaatio työnhakuun heikentynyt. Ohjaus nuorten työpajalle ja säännölliset "
        "tapaamiset Ohjaamossa.",
        "Perustutkinto suoritettu (logistiikka). Tarvitsee tukea ajokorttikoulutuksen "
        "rahoitukseen ja työnhakuun.",
    ),
    "long_term_unemployed": (
        "Työttömyys jatkunut yli 500 päivää. Työhistoria rakennusalalla. Tavoitteena "
        "palkkatuettu työ ja osaamisen päivittäminen.",
        "Pitkä työttömyys. Kuntouttava työtoiminta kaksi päivää viikossa, tavoitteena "
        "palkkatukityö.",
        "Työttömyys jatkunut yli 300 päivää. Tarvitsee tukea digitaalisessa työnhaussa; ohjaus "
        "työnhakuvalmennukseen.",
        "Aiempaa ammattia ei enää juuri kysytä (paperiteollisuus). Uudelleenkoulutuksen "
        "kartoitus ja työkokeilu.",
    ),
    "integration": (
        "Kotoutumissuunnitelma laadittu. Suomen kielen taso A2; ohjaus kotoutumiskoulutuksen "
        "jatkojaksolle.",
        "Koulutus kotimaassa (sairaanhoitaja). Tutkinnon tunnustaminen ja suomen kielen opinnot "
        "kesken.",
        "Saapunut Suomeen alle vuosi sitten. Palveluiden yhteensovittaminen: "
        "kotoutumiskoulutus, lastenhoito ja asuminen.",
        "Suomen kielen taso B1. Tavoitteena työkokeilu ravintola-alalla ja ammatillinen koulutus.",
    ),
    "work_ability": (
        "Selkäsairaus rajoittaa fyysistä työtä. Työkykyarvio käynnissä; ohjaus "
        "työkykykoordinaattorille.",
        "Terveydentila vaikeuttaa työllistymistä. Työkyky arvioidaan terveydenhuollossa ennen "
        "työllistymispalveluja.",
        "Osatyökykyinen; sopiva osa-aikatyö kevyissä tehtävissä. Ammatillisen kuntoutuksen "
        "selvittely Kelan kanssa.",
        "Työkyvyn arvio valmistunut: työkykyä kevyeen työhön. Tuettu työkokeilu.",
    ),
    "employer_cooperation": (
        "Valmis työmarkkinoille. Ehdokkaaksi varastotyöntekijän tehtäviin; työnantajakontaktit "
        "piilotyöpaikkoihin.",
        "Ammattitaitoinen hitsaaja. Ehdokasasettelu paikallisille metallialan työnantajille.",
        "Kaupan alan kokemus. Rekrytointikoulutus ja ehdokasasettelu vähittäiskaupan "
        "työnantajille.",
        "Lähihoitaja. Ohjaus työnantajan rekrytointitilaisuuteen ja piilotyöpaikkojen kartoitus.",
    ),
    "walk_in": (
        "Asioi ajanvarauksettomassa palvelussa. Työnhaun aktivointi ja ohjaus avoimiin "
        "työpaikkoihin.",
        "Lomautettu. Tarvitsee neuvontaa työttömyysturvasta ja lyhyistä koulutuksista.",
        "Määräaikainen työsuhde päättynyt. Tarvitsee tukea työnhakuasiakirjoissa.",
        "Satunnaista keikkatyötä; tavoitteena vakituinen työ. Työnhaun suunnitelma päivitetty.",
    ),
}

# --- The named clients -----------------------------------------------------------------------

NOT_VISIBLE: Literal["not_visible"] = "not_visible"


def identity_code(birth_date: datetime.date, century_sign: str, individual: int) -> str:
    """A valid personal identity code for a birth date, century sign and individual number."""
    if CENTURIES[century_sign] != birth_date.year // 100 * 100:
        raise ValueError(f"{century_sign!r} is not a century sign of {birth_date.year}")
    digits = f"{birth_date:%d%m%y}{individual:03d}"
    return f"{birth_date:%d%m%y}{century_sign}{individual:03d}{CHECK_CHARACTERS[int(digits) % 31]}"


@dataclass(frozen=True)
class DemoSpecialClient:
    """A named demo client and what the access rule answers `ohjaaja` about them.

    `owner` names the demo user whose own client record it is (their account keeps the code's
    hash, demo.users): every condition holds for them, and the record is refused with
    `own_record` alone.
    """

    name: str
    identity_code: str
    fails: str  # what is wrong, in English, as the README and load_demo_data say it
    # The reasons decide() gives ohjaaja (none: the record opens), or NOT_VISIBLE: the client is
    # outside every municipality of ohjaaja's grants, so the app answers as if it did not exist.
    expected: tuple[Reason, ...] | Literal["not_visible"]
    municipality_code: str = "167"
    group_code: str | None = "ohjaamo_youth"  # None: never referred
    # How the loader sets the client up: "complete", or the one thing that is wrong.
    case: str = "complete"
    owner: str | None = None

    @property
    def first_names(self) -> str:
        return self.name.rsplit(" ", 1)[0]

    @property
    def last_name(self) -> str:
        return self.name.rsplit(" ", 1)[1]


# The demo case worker valmentaja (Mikko Korhonen) is a client too: a fictional code.
VALMENTAJA_IDENTITY_CODE = identity_code(datetime.date(1986, 3, 14), "-", 357)

# The surname echoes the failing condition in Finnish, to be easy to remember in a demo.
DEMO_SPECIAL_CLIENTS = (
    DemoSpecialClient(
        "Kalle Kaikkonen",  # kaikki kunnossa
        identity_code(datetime.date(2002, 5, 17), "A", 235),
        "nothing: all conditions hold",
        (),
    ),
    DemoSpecialClient(
        "Leevi Lähteenmäki",  # ei lähetettä
        identity_code(datetime.date(2004, 2, 9), "A", 317),
        "no referral (no client group tag)",
        (Reason.REFERRAL_MISSING,),
        group_code=None,
        case="no_referral",
    ),
    DemoSpecialClient(
        "Päivi Päätalo",  # lähete päättyi
        identity_code(datetime.date(1999, 8, 23), "-", 486),
        "referral ended last month",
        (Reason.REFERRAL_MISSING,),
        case="ended_referral",
    ),
    DemoSpecialClient(
        "Paavo Palviainen",  # ei palvelutarvetta
        identity_code(datetime.date(2001, 11, 3), "B", 153),
        "no documented service need",
        (Reason.SERVICE_NEED_MISSING,),
        case="no_need",
    ),
    DemoSpecialClient(
        "Suvi Suominen",  # ei suostumusta
        identity_code(datetime.date(2005, 3, 28), "A", 642),
        "no consent to viewing",
        (Reason.CONSENT_MISSING,),
        case="no_consent",
    ),
    DemoSpecialClient(
        "Perttu Perälä",  # suostumus peruttu
        identity_code(datetime.date(2000, 6, 14), "A", 279),
        "consent withdrawn last week",
        (Reason.CONSENT_WITHDRAWN,),
        case="withdrawn",
    ),
    DemoSpecialClient(
        "Vilma Vanhanen",  # suostumus vanhentunut
        identity_code(datetime.date(1998, 1, 30), "Y", 524),
        "consent expired yesterday",
        (Reason.CONSENT_EXPIRED,),
        case="expired",
    ),
    DemoSpecialClient(
        "Kielo Kiiskinen",  # kielsi katselun
        identity_code(datetime.date(2003, 9, 6), "A", 818),
        "consent refused",
        (Reason.CONSENT_MISSING,),
        case="refused",
    ),
    DemoSpecialClient(
        "Raimo Ryynänen",  # eri ryhmä
        identity_code(datetime.date(1971, 4, 19), "-", 391),
        "group outside the grant (long-term unemployed)",
        (Reason.GRANT_OUT_OF_SCOPE,),
        group_code="long_term_unemployed",
        case="other_group",
    ),
    DemoSpecialClient(
        "Liisa Liimatainen",  # Liperi
        identity_code(datetime.date(2002, 12, 1), "A", 746),
        "municipality outside the grant (Liperi)",
        NOT_VISIBLE,
        municipality_code="426",
        case="other_municipality",
    ),
    DemoSpecialClient(
        "Mikko Korhonen",  # valmentaja himself
        VALMENTAJA_IDENTITY_CODE,
        "valmentaja's own record (employer cooperation)",
        (Reason.GRANT_OUT_OF_SCOPE,),
        group_code="employer_cooperation",
        owner="valmentaja",
    ),
)


# --- Plans: what to create, before anything touches the database ------------------------------


@dataclass
class _ConsentPlan:
    status: str
    signed_on: datetime.date
    recorded_by: str
    valid_until: datetime.datetime | None = None
    withdrawn_at: datetime.datetime | None = None
    withdrawn_by: str | None = None


@dataclass
class _ClientPlan:
    identity_code: str
    first_names: str
    last_name: str
    municipality_code: str
    email: str
    phone: str
    street_address: str
    postal_code: str
    post_office: str
    mother_tongue: str
    service_language: str
    relationship_started_on: datetime.date
    # (group code, referred on, ended on)
    referrals: list[tuple[str, datetime.date, datetime.date | None]] = field(default_factory=list)
    # (assessment, assessed on), oldest first: the last is documented, the others superseded.
    needs: list[tuple[str, datetime.date]] = field(default_factory=list)
    consents: list[_ConsentPlan] = field(default_factory=list)


def _at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """An aware instant on a local (Europe/Helsinki) day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _worker_for(municipality_code: str, group_code: str | None) -> str:
    """The demo worker whose grant covers the client, who records their consent."""
    for username, municipalities, groups, _reason in GRANTS:
        if municipality_code in municipalities and group_code in groups:
            return username
    return RECORDER


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _email_part(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c == "-"))


class _Planner:
    def __init__(self, today: datetime.date):
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not a secret
        self.codes = {special.identity_code for special in DEMO_SPECIAL_CLIENTS}
        self.emails: set[str] = set()

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def email(self, first_names: str, last_name: str) -> str:
        base = f"{_email_part(first_names.split()[0])}.{_email_part(last_name)}"
        address, number = f"{base}@example.fi", 1
        while address in self.emails:
            number += 1
            address = f"{base}{number}@example.fi"
        self.emails.add(address)
        return address

    def address(self, municipality_code: str) -> tuple[str, str, str]:
        postal_code, post_office, streets = self.rng.choice(ADDRESSES[municipality_code])
        street = f"{self.rng.choice(streets)} {self.rng.randint(1, 48)}"
        if self.rng.random() < 0.55:
            street += f" {self.rng.choice('ABCD')} {self.rng.randint(1, 36)}"
        return street, postal_code, post_office

    def identity_code(self, group: str, male: bool, temporary: bool) -> str:
        first, last = GROUP_BIRTH_YEARS[group]
        start, end = datetime.date(first, 1, 1), datetime.date(last, 12, 31)
        while True:
            birth = start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))
            # The new century signs (2023) go to people who got their code recently: mostly
            # immigrants, once the old sign's individual numbers for the date were taken.
            new_sign = self.rng.random() < (0.3 if group == "integration" else 0.02)
            if birth.year < 2000:
                sign = self.rng.choice("YXWVU") if new_sign else "-"
            else:
                sign = self.rng.choice("BCDEF") if new_sign else "A"
            low, high = (900, 1000) if temporary else (2, 900)
            individual = self.rng.randrange(low + (1 if male else 0), high, 2)  # odd: male
            code = identity_code(birth, sign, individual)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def name(self, tongue: str, male: bool) -> tuple[str, str]:
        rng = self.rng
        if tongue == "fi":
            first = rng.choice(FINNISH_MALE if male else FINNISH_FEMALE)
            middle = rng.choice(FINNISH_MALE_MIDDLE if male else FINNISH_FEMALE_MIDDLE)
            if middle != first and rng.random() < 0.8:
                first = f"{first} {middle}"
            return first, rng.choice(FINNISH_LAST)
        if tongue == "sv":
            first = rng.choice(SWEDISH_MALE if male else SWEDISH_FEMALE)
            return first, rng.choice(SWEDISH_LAST + FINNISH_LAST[:6])
        men, women, surnames = IMMIGRANT_NAMES[tongue]
        last = rng.choice(surnames)
        if isinstance(last, tuple):
            last = last[0] if male else last[1]
        return rng.choice(men if male else women), last

    def languages(self, group: str) -> tuple[str, str]:
        rng = self.rng
        if group == "integration":
            tongue = _weighted(rng, IMMIGRANT_TONGUE_WEIGHTS)
            if tongue == "en":
                return tongue, "en"
            return tongue, "en" if rng.random() < 0.2 else "fi"
        roll = rng.random()
        if roll < 0.06:
            return "sv", "sv" if rng.random() < 0.8 else "fi"
        if roll < 0.09:
            return "ru", "fi"
        return "fi", "fi"

    def random_client(self, index: int, temporary: bool) -> _ClientPlan:
        # A generator of its own for each client, and the identity code drawn first: the code,
        # the natural key, must not depend on the day of loading, which the other dates do.
        rng = self.rng = random.Random(f"{SEED}:{index}")  # noqa: S311 - as above
        municipality = _weighted(rng, MUNICIPALITY_WEIGHTS)
        group = "integration" if temporary else _weighted(rng, GROUP_WEIGHTS)
        male = rng.random() < 0.52
        code = self.identity_code(group, male, temporary)
        tongue, service_language = self.languages(group)
        first_names, last_name = self.name(tongue, male)
        street, postal_code, post_office = self.address(municipality)
        birth = parse_identity_code(code, today=self.today).birth_date
        sixteen = birth.replace(year=birth.year + 16, day=min(birth.day, 28))
        started = self.days_ago(40, 1100 if group == "integration" else 2200)
        started = min(max(started, sixteen), self.today - datetime.timedelta(days=30))
        plan = _ClientPlan(
            identity_code=code,
            first_names=first_names,
            last_name=last_name,
            municipality_code=municipality,
            email=self.email(first_names, last_name) if rng.random() < 0.9 else "",
            phone=f"040 {rng.randrange(10**6, 10**7)}",
            street_address=street,
            postal_code=postal_code,
            post_office=post_office,
            mother_tongue=tongue,
            service_language=service_language,
            relationship_started_on=started,
        )
        # Most are complete; the rest miss one thing or another, as real caseloads do.
        gap = rng.choices(
            ("none", "no_referral", "ended_referral", "no_need", "no_consent", "refused",
             "withdrawn", "expired"),
            (84, 1, 2, 3, 4, 2, 2, 2),
        )[0]  # fmt: skip
        self.plan_referrals(plan, group, gap)
        if gap != "no_need":
            self.plan_needs(plan, group)
        self.plan_consents(plan, _worker_for(municipality, group), gap)
        return plan

    def plan_referrals(self, plan: _ClientPlan, group: str, gap: str) -> None:
        rng = self.rng
        started = plan.relationship_started_on
        span = (self.today - started).days
        if gap == "no_referral":
            return
        if gap == "ended_referral":
            ended = self.days_ago(10, min(120, span - 1))
            referred = started + datetime.timedelta(days=rng.randint(0, (ended - started).days - 1))
            plan.referrals.append((group, referred, ended))
            return
        if span > 400 and rng.random() < 0.12:
            # An earlier referral in another group, ended when the current one began.
            earlier = rng.choice([code for code in GROUP_WEIGHTS if code != group])
            referred = started + datetime.timedelta(days=rng.randint(150, span - 30))
            plan.referrals.append((earlier, started, referred))
        else:
            referred = started + datetime.timedelta(days=rng.randint(0, span - 14))
        plan.referrals.append((group, referred, None))

    def plan_needs(self, plan: _ClientPlan, group: str) -> None:
        rng = self.rng
        first = plan.referrals[0][1] if plan.referrals else plan.relationship_started_on
        yesterday = self.today - datetime.timedelta(days=1)
        assessed = min(first + datetime.timedelta(days=rng.randint(0, 21)), yesterday)
        count = rng.choices((1, 2, 3), (50, 35, 15))[0]
        for index in range(count):
            if assessed >= self.today:
                break
            final = index == count - 1
            text = rng.choice(ASSESSMENTS[group] if final else FIRST_ASSESSMENTS)
            plan.needs.append((text, assessed))
            assessed += datetime.timedelta(days=rng.randint(60, 200))
        if plan.needs and plan.needs[-1][0] in FIRST_ASSESSMENTS:
            # Cut short by today: the newest assessment is the group's own.
            plan.needs[-1] = (rng.choice(ASSESSMENTS[group]), plan.needs[-1][1])

    def plan_consents(self, plan: _ClientPlan, worker: str, gap: str) -> None:
        rng = self.rng
        earliest = plan.relationship_started_on

        def signed(low: int, high: int) -> datetime.date:
            return max(self.days_ago(low, high), earliest)

        if gap == "no_consent":
            return
        if gap == "refused":
            plan.consents.append(_ConsentPlan("refused", signed(3, 90), worker))
        elif gap == "withdrawn":
            on = signed(60, 200)
            withdrawn = _at(self.days_ago(1, min(40, (self.today - on).days)), 13, 15)
            plan.consents.append(
                _ConsentPlan("withdrawn", on, worker, withdrawn_at=withdrawn, withdrawn_by=worker)
            )
        elif gap == "expired":
            on = signed(100, 500)
            until = _at(self.days_ago(2, min(90, (self.today - on).days - 1)), 0)
            plan.consents.append(_ConsentPlan("given", on, worker, valid_until=until))
        else:
            roll = rng.random()
            if roll < 0.08:  # a short consent that runs out within a month
                on = signed(60, 85)
                until = _at(on + datetime.timedelta(days=90), 0)
            elif roll < 0.3:  # for a year
                on = signed(3, 150)
                until = _at(on + datetime.timedelta(days=365), 0)
            else:  # until withdrawn
                on, until = signed(3, 150), None
            if (on - earliest).days > 420 and rng.random() < 0.3:
                # An earlier one-year consent that ran out before this one was signed.
                old = on - datetime.timedelta(days=rng.randint(380, 420))
                old_until = _at(old + datetime.timedelta(days=365), 0)
                plan.consents.append(_ConsentPlan("given", old, worker, valid_until=old_until))
            plan.consents.append(_ConsentPlan("given", on, worker, valid_until=until))

    def special_client(self, special: DemoSpecialClient) -> _ClientPlan:
        today, days = self.today, datetime.timedelta
        first_names, last_name = special.first_names, special.last_name
        group = special.group_code or "ohjaamo_youth"
        plan = _ClientPlan(
            identity_code=special.identity_code,
            first_names=first_names,
            last_name=last_name,
            municipality_code=special.municipality_code,
            email=self.email(first_names, last_name),
            phone="040 " + special.identity_code[7:10] + special.identity_code[:4],
            street_address="Kauppakatu 12 B 7"
            if special.municipality_code == "167"
            else "Keskustie 5",
            postal_code="80100" if special.municipality_code == "167" else "83100",
            post_office="Joensuu" if special.municipality_code == "167" else "Liperi",
            mother_tongue="fi",
            service_language="fi",
            relationship_started_on=today - days(300),
        )
        if special.group_code is not None:
            if special.case == "ended_referral":
                last_month = today.replace(day=1) - days(1)
                plan.referrals.append((group, today - days(280), last_month.replace(day=15)))
            else:
                plan.referrals.append((group, today - days(280), None))
        if special.case != "no_need":
            plan.needs.append((FIRST_ASSESSMENTS[0], today - days(270)))
            plan.needs.append((ASSESSMENTS[group][0], today - days(150)))
        worker = _worker_for(special.municipality_code, special.group_code)
        if worker == special.owner:
            worker = RECORDER  # nobody records a consent on their own record
        if special.case == "no_consent":
            pass
        elif special.case == "withdrawn":
            plan.consents.append(
                _ConsentPlan(
                    "withdrawn",
                    today - days(120),
                    worker,
                    withdrawn_at=_at(today - days(7), 14, 30),
                    withdrawn_by="ohjaaja",
                )
            )
        elif special.case == "expired":
            on = today - days(366)
            plan.consents.append(
                _ConsentPlan("given", on, worker, valid_until=_at(today - days(1), 16))
            )
        elif special.case == "refused":
            plan.consents.append(_ConsentPlan("refused", today - days(14), worker))
        else:
            plan.consents.append(_ConsentPlan("given", today - days(21), worker))
        return plan

    def plans(self) -> list[_ClientPlan]:
        plans = [self.special_client(special) for special in DEMO_SPECIAL_CLIENTS]
        temporary = set(self.rng.sample(range(RANDOM_CLIENT_COUNT), TEMPORARY_CODE_COUNT))
        plans += [self.random_client(i, i in temporary) for i in range(RANDOM_CLIENT_COUNT)]
        for plan in plans:
            parse_identity_code(plan.identity_code, today=self.today)  # raises if invalid
        return plans


# --- Loading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoClientCounts:
    """What one load created, and how many of the demo clients were there already."""

    worker_agreements: int
    access_grants: int
    clients: int
    referrals: int
    service_needs: int
    consents: int
    clients_present: int

    def __str__(self):
        return (
            f"Demo clients: {self.worker_agreements} worker agreements, "
            f"{self.access_grants} access grants, {self.clients} clients, "
            f"{self.referrals} referrals, "
            f"{self.service_needs} service needs, {self.consents} consents created; "
            f"{self.clients_present} clients present."
        )


def demo_clients_load(*, now: datetime.datetime | None = None) -> DemoClientCounts:
    """Create what is missing of the demo region; return the counts of what was created.

    Needs the demo users (demo.users.demo_users_load). Rows already there, found by their
    natural keys, are left exactly as they are, even if someone changed them while trying the app.
    The change history (django-auditlog) stays empty: seed data is no change anybody made.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic(), disable_auditlog():
        usernames = {"ohjaaja", "valmentaja", RECORDER, OFFICIAL}
        users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        if set(users) != usernames:
            raise RuntimeError("Load the demo users first: demo.users.demo_users_load().")
        groups = {group.code: group for group in ClientGroup.objects.all()}
        if set(groups) != set(GROUP_WEIGHTS):
            raise RuntimeError("The client groups are missing: run the migrations first.")

        municipalities = _municipalities()
        agreements_created = _load_agreements(users, municipalities, now, today)
        grants_created = _load_grants(users, municipalities, groups, now, today)

        plans = _Planner(today).plans()
        present = set(
            Client.objects.filter(
                identity_code__in=[plan.identity_code for plan in plans]
            ).values_list("identity_code", flat=True)
        )
        new = [plan for plan in plans if plan.identity_code not in present]
        clients = Client.objects.bulk_create(
            [_client(plan, municipalities, users[OFFICIAL]) for plan in new]
        )
        referrals, needs, consents, relationships = [], [], [], []
        for plan, client in zip(new, clients, strict=True):
            recorder = users[OFFICIAL]
            relationships.append(
                ClientRelationship(
                    client=client,
                    started_on=plan.relationship_started_on,
                    source=SOURCE,
                    recorded_by=recorder,
                    recorded_at=_at(plan.relationship_started_on, 8, 0),
                )
            )
            for group_code, referred_on, ended_on in plan.referrals:
                referrals.append(
                    Referral(
                        client=client,
                        group=groups[group_code],
                        referring_authority=REFERRING_AUTHORITY,
                        referred_on=referred_on,
                        ended_on=ended_on,
                        source=SOURCE,
                        recorded_by=recorder,
                        recorded_at=_at(referred_on, 8, 30),
                    )
                )
            for index, (assessment, assessed_on) in enumerate(plan.needs):
                final = index == len(plan.needs) - 1
                needs.append(
                    ServiceNeed(
                        client=client,
                        assessment=assessment,
                        assessed_on=assessed_on,
                        assessed_by=ASSESSED_BY,
                        source=SOURCE,
                        status=ServiceNeed.Status.DOCUMENTED
                        if final
                        else ServiceNeed.Status.SUPERSEDED,
                        recorded_by=recorder,
                        recorded_at=_at(assessed_on, 15, 45),
                    )
                )
            for consent in plan.consents:
                consents.append(
                    Consent(
                        client=client,
                        kind=Consent.Kind.VIEWING,
                        status=consent.status,
                        signed_on=consent.signed_on,
                        valid_until=consent.valid_until,
                        withdrawn_at=consent.withdrawn_at,
                        withdrawn_by=users.get(consent.withdrawn_by or ""),
                        withdrawal_channel=(
                            Consent.WithdrawalChannel.PHONE if consent.withdrawn_at else ""
                        ),
                        place=Consent.Place.OHJAAMO,
                        # Demo forms exist on paper only: there are no scans to attach.
                        paper_held_confirmed=consent.status != Consent.Status.REFUSED,
                        recorded_by=users[consent.recorded_by],
                        recorded_at=_at(consent.signed_on, 10, 20),
                    )
                )
        ClientRelationship.objects.bulk_create(relationships)
        Referral.objects.bulk_create(referrals)
        ServiceNeed.objects.bulk_create(needs)
        Consent.objects.bulk_create(consents)
        _load_health_item(users, today)

    return DemoClientCounts(
        worker_agreements=agreements_created,
        access_grants=grants_created,
        clients=len(clients),
        referrals=len(referrals),
        service_needs=len(needs),
        consents=len(consents),
        clients_present=len(present),
    )


def _load_health_item(users, today: datetime.date) -> None:
    """One health item, told by the client, on the demo client whose record opens for ohjaaja:
    enough to see the health section open for a work-ability purpose. Created once only."""
    special = next(c for c in DEMO_SPECIAL_CLIENTS if c.name == HEALTH_ITEM_CLIENT)
    client = Client.objects.get(identity_code=special.identity_code)
    if client.health_items.exists():
        return
    HealthItem.objects.create(
        client=client,
        kind=HealthItem.Kind.LIMITATION,
        description=HEALTH_ITEM,
        source=HealthItem.Source.CLIENT,
        information_date=today - datetime.timedelta(days=14),
        recorded_by=users["ohjaaja"],
        recorded_at=_at(today - datetime.timedelta(days=14), 11, 0),
    )


def _client(plan: _ClientPlan, municipalities: dict[str, Municipality], recorder: User) -> Client:
    return Client(
        identity_code=plan.identity_code,
        first_names=plan.first_names,
        last_name=plan.last_name,
        email=plan.email,
        phone=plan.phone,
        street_address=plan.street_address,
        postal_code=plan.postal_code,
        post_office=plan.post_office,
        home_municipality=municipalities[plan.municipality_code],
        mother_tongue=plan.mother_tongue,
        service_language=plan.service_language,
        source=SOURCE,
        recorded_by=recorder,
        recorded_at=_at(plan.relationship_started_on, 8, 0),
    )


def _municipalities() -> dict[str, Municipality]:
    """The demo's municipalities, by code: the classification's own rows (clients/0004)."""
    found = {m.code: m for m in Municipality.objects.filter(code__in=MUNICIPALITY_WEIGHTS)}
    if set(found) != set(MUNICIPALITY_WEIGHTS):
        raise RuntimeError("The municipalities are missing: run the migrations first.")
    return found


def _load_agreements(users, municipalities, now, today) -> int:
    """An agreement in force per demo case worker and granted municipality (the agreement is
    the municipality's, seed 000 §1); one that ran out is replaced."""
    created = 0
    for username, municipality_codes, *_scope in GRANTS:
        for code in municipality_codes:
            in_force = WorkerAgreement.objects.filter(
                worker=users[username], municipality=municipalities[code]
            ).exclude(ends_at__lte=now)
            if not in_force.exists():
                WorkerAgreement.objects.create(
                    worker=users[username],
                    employment_area=EMPLOYMENT_AREA,
                    municipality=municipalities[code],
                    signed_on=today - datetime.timedelta(days=365),
                    ends_at=None,
                )
                created += 1
    return created


def _load_grants(users, municipalities, groups, now, today) -> int:
    """A grant per demo case worker and municipality, unless one has not yet run out.

    A grant someone revoked while trying the app stays revoked until it would have run out.
    """
    created = 0
    for username, municipality_codes, group_codes, reason in GRANTS:
        for code in municipality_codes:
            current = AccessGrant.objects.filter(
                grantee=users[username], municipality=municipalities[code], valid_until__gt=now
            )
            if current.exists():
                # A demo made before recording needed the authority gets it, as a new one would.
                current.filter(authority=AccessGrant.Authority.VIEW).update(
                    authority=AccessGrant.Authority.RECORD
                )
                # ... and one made before the health section gets its health data flag.
                if username in HEALTH_DATA_GRANTEES:
                    current.filter(health_data=False).update(health_data=True)
                continue
            valid_from = _at(today - datetime.timedelta(days=30), 0)
            grant = AccessGrant.objects.create(
                grantee=users[username],
                municipality=municipalities[code],
                # The case workers record consents: that needs the recording authority.
                authority=AccessGrant.Authority.RECORD,
                health_data=username in HEALTH_DATA_GRANTEES,
                valid_from=valid_from,
                valid_until=_at(today + datetime.timedelta(days=335), 0),
                reason=reason,
                granted_by=users[RECORDER],
                granted_at=valid_from,
            )
            grant.client_groups.set([groups[group_code] for group_code in group_codes])
            created += 1
    return created
