"""Django settings for ATMT, read from the environment.

Development (the default) is convenient: DEBUG on, a fixed development secret key, SQLite under
var/. Production (ATMT_ENV=production) is secure by default and refuses to start without the
values that only the operator can know. See README.md, "Configuration".
"""

import datetime
from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from atmt.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

ATMT_ENV = env_choice("ATMT_ENV", "development", ("development", "production"))
PRODUCTION = ATMT_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", required=True) or ""
    if len(SECRET_KEY) < 50:
        raise ConfigurationError("SECRET_KEY must be at least 50 characters long in production")
else:
    SECRET_KEY = (
        env_str("SECRET_KEY", "development-only-key-never-used-in-production-0123456789") or ""
    )

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("ALLOWED_HOSTS must list the host names the app answers to")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "atmt.apps.SuperuserOnlyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "auditlog",
    "axes",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "audit",
    "clients",
    "consent",
    "entries",
    "health",
    "sign_in",
    "access",
    "records",
    "review",
    "intake",
]
if not PRODUCTION:
    # The demo data and the command that prints a demo user's one-time code: in production the
    # commands do not exist at all (tests/atmt/test_demo_absent_in_production.py).
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    # First: an identity code in a query string goes no further (atmt/identity_codes.py).
    "atmt.middleware.IdentityCodeQueryMiddleware",
    "atmt.middleware.HealthCheckMiddleware",
    "audit.context.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "atmt.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Who passed the second factor in this session, then: nobody else gets past the code page.
    "django_otp.middleware.OTPMiddleware",
    "sign_in.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages, to say why a session ended; runs before the sign-in requirement's check.
    "sign_in.sessions.SessionLimitsMiddleware",
    # Refuses a password from an address or for a user name that a spread attack has throttled.
    "sign_in.throttle.SpreadThrottleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "atmt.middleware.NoStoreForAuthenticatedMiddleware",
    # After authentication, so that the change history knows who acted.
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes requires: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Serves the collected, hashed static files; in development runserver serves them itself.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "atmt.urls"
WSGI_APPLICATION = "atmt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                # Without it the CSP nonce is never put in the page and nonce'd tags are blocked.
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "access.context_processors.roles",
            ],
            # atmt is no installed app: its template filters are named here.
            "libraries": {"atmt_urls": "atmt.templatetags.atmt_urls"},
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", sqlite_path=str(VAR_DIR / "atmt.sqlite3"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default lives under var/, which a fresh clone does not have yet.
    VAR_DIR.mkdir(exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in of a locked account before a password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes: five failed sign-ins lock the pair (user name, address) for an hour, or until an
# administrator unlocks it (`manage.py axes_reset_username NAME`, *Locked accounts*, or the
# maintenance pages). Every failure is kept in the database with its time and address. On the
# pair, so that an outsider cannot lock someone else's account from their own address, and a
# mistyped password locks neither the user elsewhere nor a whole office behind one NAT address.
# Attacks spread over many names or addresses meet the throttles in sign_in/throttle.py.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
# A correct password alone does not forgive earlier failures: wrong one-time codes count too
# (sign_in/two_factor.py), and the count starts again only after a complete sign-in.
AXES_RESET_ON_SUCCESS = False
# axes keeps the form's fields with each failure, masking these (and the password); the
# one-time code must be among them.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# django-otp: time-based one-time codes. Its own back-off between attempts is off: five wrong
# codes lock the account (django-axes, above), which is both stricter and what users are told.
OTP_TOTP_ISSUER = "ATMT"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Deciding on access rights asks for the password and a code again after this long.
RECENT_SIGN_IN = datetime.timedelta(minutes=5)
# The link an access administrator hands a new member of staff to set their first password
# (sign_in/first_password.py) works this long: a working day and the next, not Django's 3 days.
PASSWORD_RESET_TIMEOUT = int(datetime.timedelta(hours=48).total_seconds())

# An access grant lasts at most this many months; a longer need is a new application.
GRANT_MAX_MONTHS = env_int("GRANT_MAX_MONTHS", 12, minimum=1)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: no anonymous user object; nobody is granted anything for being anonymous.
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "fi"
LANGUAGES = [
    ("fi", _("Finnish")),
    ("sv", _("Swedish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Helsinki"
USE_TZ = True

# Scans of signed consent forms: outside the web root and outside STATIC_ROOT, never served
# except through the logged, policy-checked view.
CONSENT_SCAN_ROOT = env_str("CONSENT_SCAN_ROOT", str(VAR_DIR / "consent-scans"))
CONSENT_SCAN_MAX_BYTES = 10 * 1024 * 1024
# A given consent recorded on the worker's word that they hold the signed paper counts this many
# days; then it stops counting until its scan is attached.
CONSENT_SCAN_GRACE_DAYS = env_int("CONSENT_SCAN_GRACE_DAYS", 14, minimum=1)
# A case entry made more than this many days after the event is marked late (seed 003: entries
# are made "without undue delay").
ENTRY_LATE_DAYS = env_int("ENTRY_LATE_DAYS", 7, minimum=1)
# The key of the staff accounts' identity-code hashes. Its own key, not SECRET_KEY: rotating the
# session secret must not orphan every hash (they are recomputed only when re-entered).
IDENTITY_CODE_HASH_KEY = (
    env_str("IDENTITY_CODE_HASH_KEY", required=PRODUCTION)
    or "development-only-identity-code-hash-key-0123456789"
)
# The tamper-evident log (audit/sequencer.py, audit/checkpoints.py). Its signing key is a file the
# database never sees, read only by the worker that signs; production names it or sealing stops
# with an error (development makes one under var/). The checkpoint file is the trust anchor: each
# signed checkpoint is appended to it, for the operator to ship off the machine.
LOG_SIGNING_KEY_FILE = env_str(
    "LOG_SIGNING_KEY_FILE", None if PRODUCTION else str(VAR_DIR / "log-signing.key")
)
LOG_CHECKPOINT_FILE = env_str("LOG_CHECKPOINT_FILE", str(VAR_DIR / "log-checkpoints.txt"))
# How often the scheduler (`manage.py log_scheduler`) asks the worker to sequence and sign: the
# longest a superuser could remove a fresh event without a trace (README, "The log as evidence").
LOG_SEAL_INTERVAL_SECONDS = env_int("LOG_SEAL_INTERVAL_SECONDS", 20, minimum=1)
# The review's screening with the detection rules: hourly, it screens the days that have become
# due since the last run, so each night's screening starts within this long after midnight.
SCREENING_INTERVAL_SECONDS = env_int("SCREENING_INTERVAL_SECONDS", 3600, minimum=60)
# What `manage.py log_scheduler` enqueues, and how often (seconds).
PERIODIC_TASKS = {
    "audit.tasks.seal_log": LOG_SEAL_INTERVAL_SECONDS,
    "review.tasks.screen_due_days": SCREENING_INTERVAL_SECONDS,
}
# Django's Tasks framework, with a database-backed queue that `manage.py db_worker` works off.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Stored files (the scans) are readable by the app's own user only, and so are new folders.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Content Security Policy, Django's own: nothing from other origins, no inline script or style
# unless it carries the per-response nonce. HDS icons are data: URIs inside its CSS.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_HTTPONLY = True
# The server ends sessions sooner (sign_in/sessions.py); the cookie never outlives the longest one.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

if PRODUCTION:
    # The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and
    # scoped to "/", so a sibling subdomain cannot plant or read it.
    SESSION_COOKIE_NAME = "__Host-atmt-session"
    CSRF_COOKIE_NAME = "__Host-atmt-csrf"
    LANGUAGE_COOKIE_NAME = "__Host-atmt-language"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
        # Only behind a proxy that sets the header itself and strips it from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No log line carries a query string that holds an identity code (runserver logs every
    # request line, the redirected one too).
    "filters": {"identity_codes": {"()": "atmt.log_filters.WithoutIdentityCodes"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["identity_codes"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
    # WeasyPrint reports every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # runserver's request lines, through the filtered handler instead of Django's own.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
