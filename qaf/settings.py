"""
QAF settings: one module, read from environment variables.

With nothing set, QAF runs on the embedded default: SQLite and Celery's server-less filesystem
broker, both kept under QAF_DATA_DIR (default `.run/`), DEBUG on and e-mail printed to the
console. Set DATABASE_URL and CELERY_BROKER_URL for PostgreSQL and Redis; in production also set
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and EMAIL_URL (README, "Configuration", lists them all).
Test-only tweaks live in conftest.py, not here.
"""

from datetime import timedelta
from pathlib import Path

import environ

from qaf.embedded import filesystem_broker_options
from qaf.jobs import beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DATA_DIR = Path(env.str("QAF_DATA_DIR", default=str(BASE_DIR / ".run")))

DEBUG = env.bool("DEBUG", default=True)

# The development key is only a fallback while DEBUG is on; Django's own deploy check
# (security.W009) flags its "django-insecure-" prefix if it ever reaches production.
_DEV_SECRET_KEY = "django-insecure-qaf-development-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else environ.Env.NOTSET)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap's CSS and JS served by the app
    "django_htmx",
    "django_filters",
    "axes",  # log-in lockout (issue 8)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",  # django-csp: the Content-Security-Policy header (CONTENT_SECURITY_POLICY below)
    "simple_history",  # who changed what, and when (the audit trail)
    "accounts",
    "audits",
    "reviews",
    "feedback",
    "reporting",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor
    # Every view needs a logged-in user unless it opts out with @login_not_required
    # (only log-in and password reset do), so a forgotten decorator cannot expose a page.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # The audit trail's history_user is the request's user (None: a timed job).
    "simple_history.middleware.HistoryRequestMiddleware",
    # One line in the "qaf.security" log for every refused request (403, 404).
    "audit.middleware.RefusedAccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The 12-hour cap and the "Your sessions" list; then the second factor (QAF_REQUIRE_2FA).
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out log-in into the lockout page
]

ROOT_URLCONF = "qaf.urls"
WSGI_APPLICATION = "qaf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under DATA_DIR unless DATABASE_URL is set
# (e.g. postgres://qaf:secret@db.example.org:5432/qaf).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share one SQLite file: WAL lets readers run beside
    # a writer, and IMMEDIATE transactions take the write lock up front instead of failing
    # with "database is locked" half-way through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's planner assumes spinning disks (random_page_cost 4) and so scans the wide
    # reviews table where an index lookup per row is cheaper on SSDs, which servers have: 1.1 is
    # the usual SSD setting (bench/: the escalations list's counts 28 ms -> 12 ms at 30,000
    # reviews). Set DATABASE_RANDOM_PAGE_COST to change it, or to 0 to leave the server's.
    _page_cost = env.float("DATABASE_RANDOM_PAGE_COST", default=1.1)
    # Nor does a page's query gain from parallel workers: starting one costs more (5-15 ms on
    # bench/'s two cores) than the few thousand rows a page's query reads, and under load the
    # workers only compete with the other requests for the same cores (bench/: the reviews
    # list's query 34 ms -> 18 ms). Set DATABASE_PARALLEL_WORKERS to allow them, e.g. on a
    # server with many cores and few users; -1 leaves the server's setting.
    _parallel = env.int("DATABASE_PARALLEL_WORKERS", default=0)
    _options = [f"-c random_page_cost={_page_cost}"] if _page_cost else []
    if _parallel >= 0:
        _options.append(f"-c max_parallel_workers_per_gather={_parallel}")
    if _options:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(_options)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Log-in protection (issue 8, OWASP ASVS level 2). django-axes first: it refuses a locked-out
# log-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failures lock that e-mail address from that IP address for 30 minutes (each further try
# restarts the 30 minutes); a success clears the count. By the pair, not the address alone: a
# council's staff share a few office addresses, and one typist must not lock out the building.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"  # the log-in form's field, holding the e-mail address
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_VERBOSE = False  # the "qaf.security" log records log-ins, without the e-mail address
# Two-factor authentication (TOTP and recovery codes) for every account. The demo (`make run`)
# turns it off; `check --deploy` warns if production does.
QAF_REQUIRE_2FA = env.bool("QAF_REQUIRE_2FA", default=True)
# How long the dashboard's and the report preview's figures may be kept for the same data
# (reporting/data_version.py: any committed change makes them be computed again); 0 turns
# the cache off.
QAF_FIGURES_CACHE_SECONDS = env.int("QAF_FIGURES_CACHE_SECONDS", default=600)
# bench/load.py's floor page (/bench/floor/, qaf/views_bench.py): routed only when true.
QAF_BENCH_FLOOR = env.bool("QAF_BENCH_FLOOR", default=False)
OTP_TOTP_ISSUER = "QAF"
# However active, a session ends 12 hours after log-in (ASVS 3.3.4).
QAF_SESSION_MAX_SECONDS = env.int("SESSION_MAX_SECONDS", default=12 * 60 * 60)

# Sessions (OWASP ASVS): expire after 30 idle minutes; every request renews the clock.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# HTTPS and browser protections. Off while DEBUG is on (runserver speaks plain HTTP);
# on by default in production, where `manage.py check --deploy` must report no issues.
_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_SECURE)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_SECURE)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_SECURE)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_SECURE)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_SECURE)
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    # Only when a proxy that terminates TLS sets this header and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy, enforced (not report-only), with no inline script or style: every
# script and stylesheet is a file under static/, charts are SVG with presentation attributes
# (reporting/charts.py), htmx is told not to inject its indicator <style> (base.html).
# img-src allows data: for QR codes and images drawn as data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files: served by WhiteNoise from the app itself (no CDN). Production runs
# `collectstatic`, which writes hashed, compressed copies to STATIC_ROOT.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console unless EMAIL_URL is set
# (e.g. smtp+tls://user:password@smtp.example.org:587).
# Sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS...
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
# The sending task holds a row lock while it talks to the mail server: never wait for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Seconds before a failed e-mail is tried again, doubling (with jitter) each time; the fault
# tests (tests/test_faults.py) shorten it.
QAF_EMAIL_RETRY_BACKOFF = env.int("QAF_EMAIL_RETRY_BACKOFF", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="QAF <qaf@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The authority's name, on the QA report's cover.
QAF_AUTHORITY_NAME = env.str("QAF_AUTHORITY_NAME", default="QAF demo authority")
# The address people reach QAF at, for links in e-mails.
QAF_BASE_URL = env.str("QAF_BASE_URL", default="http://127.0.0.1:8000")
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour: a reset link is a key to children's records

# Uploads (the case import): a file larger than QAF_MAX_UPLOAD_BYTES is refused with a clear
# message (5 MB is about 50,000 cases). Django keeps uploads up to 2.5 MB in memory and spools
# larger ones to a temporary file; a form without files may not exceed 2.5 MB either.
QAF_MAX_UPLOAD_BYTES = env.int("QAF_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Retention (UK GDPR storage limitation): free text of reviews and feedback is deleted and case
# references anonymised once a record is older than this many months (audits/services/
# retention.py, the weekly "apply-retention" job). The default, 6 years, follows the usual
# local-authority schedule for quality-assurance records (the limitation period for claims
# is 6 years); the authority's own retention schedule decides, so it is configurable.
QAF_RETENTION_MONTHS = env.int("QAF_RETENTION_MONTHS", default=72)

# Celery. Embedded default: kombu's filesystem transport, which needs no server, so a real
# worker and beat run on a bare machine. Set CELERY_BROKER_URL=redis://... for production.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(DATA_DIR / "celery")
    _default_results = f"file://{DATA_DIR / 'celery' / 'results'}"
else:
    _default_results = CELERY_BROKER_URL
# Results are off by default: the database, not the broker, records what work has done.
# The few tasks whose result someone waits for (the health check) opt in.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_default_results)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The beat schedule, built from qaf/jobs.py: every timed job of QAF is declared there, and only
# there (the QA Manager's Jobs page lists the same jobs and runs them on demand).
CELERY_BEAT_SCHEDULE = beat_schedule()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Log-ins, log-outs and refused requests (audit/security_log.py), whatever LOG_LEVEL.
        "qaf.security": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},  # its INFO lines narrate every render
        "axes": {"level": "WARNING"},  # an INFO line for every log-in; qaf.security logs them
        "fontTools": {"level": "WARNING"},
    },
}
