"""Settings for the mission commitments tracker.

One module, read from environment variables (see .env.example for every variable). The defaults
are safe for a developer's machine: DEBUG on, a SQLite file in the project folder, localhost only.
Production sets DEBUG=false and the variables below; an unsafe production setting stops start-up.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name, "")
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# A development key is only acceptable while DEBUG is on; production must bring its own.
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the tracker needs a secret key: set the "
            "SECRET_KEY environment variable to a long random string, for example the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    SECRET_KEY = "django-insecure-local-development-only"
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    # A short or copied example key signs sessions and password resets: refuse to start on it.
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters, for example "
        "the output of python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

# Production must name its host names; the local defaults would accept any Host header routed
# to the server as 'localhost'.
if not DEBUG and not env("ALLOWED_HOSTS"):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. With DEBUG off, set it to the host names the tracker is served "
        "under, comma-separated, e.g. ALLOWED_HOSTS=tracker.example.org."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "missions",
]

MIDDLEWARE = [
    # First: a body over the limit is refused before anything reads (and spools) it.
    "missions.security.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: no-store on every page and download (static files are served above).
    "missions.security.session_security.NoStoreMiddleware",
    # Django's SessionMiddleware, and a 503 page (never a 400 or 500) while the database is
    # unreachable: it wraps every middleware below that reads the session or the user.
    "missions.security.outage.OutageAwareSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before LoginRequiredMiddleware and the CSRF check's process_view read the body.
    "missions.security.request_limits.UploadSlotsMiddleware",
    # A session older than SESSION_ABSOLUTE_AGE is logged out, whatever its activity.
    "missions.security.session_security.AbsoluteSessionLifetimeMiddleware",
    # request.user.is_verified(): whether this session gave a TOTP code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A user who owes a TOTP code (or, with REQUIRE_2FA, a device) goes there first.
    "missions.security.session_security.SecondFactorMiddleware",
    # A logged-in user who is not staff gets a 403 on the admin, not a login loop.
    "missions.security.middleware.StaffOnlyAdminMiddleware",
    # A GET whose ETag matches the data's version gets 304 before the page runs any query.
    "missions.web.conditional.ConditionalPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections (a minute), checked before each request's first query: after
        # a PostgreSQL restart a worker's dead connection is noticed and replaced at once
        # instead of failing the first request that uses it (missions.security.outage).
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for a small team (the `make run` default). WAL lets readers go on while one
    # connection writes; a writer waits up to SQLITE_BUSY_TIMEOUT seconds for the lock instead
    # of failing; and every transaction takes the write lock when it begins (IMMEDIATE), so
    # two saves queue up instead of both reading and then one failing with "database is
    # locked" when it tries to write (SQLite cannot wait for a lock a reader wants to upgrade).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(env("SQLITE_BUSY_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out login never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "missions:contributions"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 8 idle hours and when the browser closes: the cookie carries no expiry, and
# the server-side expiry (8 hours) is pushed forward by every request.
SESSION_COOKIE_AGE = 8 * 60 * 60
# Django's database sessions, with a load that fails plainly while the database is down.
SESSION_ENGINE = "missions.security.session_store"
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# And 12 hours after the login at the latest, however active (missions.security.session_security).
SESSION_ABSOLUTE_AGE = 12 * 60 * 60

# TOTP (django-otp) as a second factor: anyone signed in may set it up under /account/
# two-factor/; with REQUIRE_2FA=true, analysts and superusers must.
REQUIRE_2FA = env_bool("REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "Mission commitments tracker"

# Login throttling (django-axes): 5 failures for one user from one address give a 15-minute
# cool-off with HTTP 429. Counting the pair, not the address alone, leaves colleagues behind the
# same office address unaffected; counting the pair, not the user alone, means nobody can lock an
# analyst out from elsewhere. Every lockout ends: there is no permanent one.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Besides the console log, keep every failed login (with the lockout flag) in the database, where
# superusers see it in the admin under "Access failures".
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The console log masks what was typed as the username as well as the password: people type
# their password into the username field, and a log must never hold one. The account name of
# each failure stays in the database (Access failures, superusers only) and the log keeps the
# address, user agent and time, so an attack can still be investigated.
AXES_SENSITIVE_PARAMETERS = ["username"]
# The client address the lockout counts. Behind reverse proxies that append to X-Forwarded-For,
# set TRUSTED_PROXY_COUNT to their number (see README, "Behind a proxy"); otherwise every login
# would seem to come from the proxy, or a client could forge its address.
try:
    TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
except ValueError:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT must be a whole number (0 without a proxy)."
    ) from None
AXES_CLIENT_IP_CALLABLE = "missions.security.middleware.client_ip_address"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Any request body above REQUEST_MAX_BYTES (default 6 MiB: the import's 5 MB workbook and its
# form) is refused with 413 before it is read (missions.security.request_limits).
try:
    REQUEST_MAX_BYTES = int(env("REQUEST_MAX_BYTES", str(6 * 1024 * 1024)))
    # At most this many uploads (multipart POSTs) at a time per account, or per address when
    # not logged in; the next gets 429. Counted per host, across its worker processes.
    UPLOADS_PER_USER = int(env("UPLOADS_PER_USER", "2"))
except ValueError:
    raise ImproperlyConfigured(
        "REQUEST_MAX_BYTES and UPLOADS_PER_USER must be whole numbers."
    ) from None
if REQUEST_MAX_BYTES < 1024 * 1024 or UPLOADS_PER_USER < 1:
    raise ImproperlyConfigured(
        "REQUEST_MAX_BYTES must be at least 1048576 (1 MiB) and UPLOADS_PER_USER at least 1."
    )
# Where the upload counters' lock files live (default: the temporary folder).
UPLOAD_SLOTS_DIR = env("UPLOAD_SLOTS_DIR")
# Uploads (the spreadsheet import) are refused above 5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security headers. Most only bite with DEBUG off, where check --deploy verifies them.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix: browsers accept these cookies only if Secure, for this host alone
    # (no Domain) and the whole site (Path=/), so a sibling subdomain cannot set or shadow them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env_bool("BEHIND_TLS_PROXY", False):
        # Only when a proxy that strips and sets X-Forwarded-Proto stands in front.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy without 'unsafe-inline': every script and style comes from our origin,
# so an injected <script> or style attribute does nothing. Templates must not use inline
# <script>, <style> or style="..." (the admin of Django 5.2 needs none for its pages).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Every logger hands its records to the root logger, which writes them once, to the console
# (the process manager collects it). Errors carry their traceback. Refusals are logged too:
# django.request logs each 403 ("Forbidden") and 404 as a warning, django.security CSRF failures
# and bad hosts, axes each failed and locked-out login, missions.security refused admin access.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # One record, one line: control characters in messages (user input) are escaped.
        "plain": {
            "()": "missions.security.log_safety.SingleLineFormatter",
            "format": "{asctime} {levelname} {name} {message}",
            "style": "{",
        },
    },
    "filters": {
        # A database outage is logged as its 503, not also as the 500 it was on the way.
        "database_outage": {"()": "missions.security.outage.HideOutageServerErrors"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default configuration gives these their own handlers; route them to root.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {
            "handlers": [],
            "level": "WARNING",
            "propagate": True,
            "filters": ["database_outage"],
        },
        "django.security": {"handlers": [], "level": "WARNING", "propagate": True},
        "axes": {"handlers": [], "level": "WARNING", "propagate": True},
        "missions": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# --- The read API (Django REST framework, drf-spectacular) ------------------------------------
# Read-only: token or session of a signed-in user with the view permission; anonymous gets 401
# (token authentication first, so that DRF answers 401 with WWW-Authenticate, not 403).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "missions.api.auth.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["missions.api.auth.CanViewTracker"],
    "DEFAULT_THROTTLE_CLASSES": ["missions.api.auth.PerTokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "missions.api.pagination.Pages",
    "UNAUTHENTICATED_USER": None,
}
# Requests per token (or per signed-in user) and period: second, minute, hour or day.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", "120/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Mission commitments tracker API",
    "DESCRIPTION": (
        "Read-only. Every figure with its source document. Send `Authorization: Token <key>` "
        "(make a key on /account/tokens/) or use a signed-in session."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs pages are behind the same door as the data.
    "SERVE_PERMISSIONS": ["missions.api.auth.CanViewTracker"],
    # The docs page's Swagger UI comes from drf-spectacular-sidecar: no outside network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "QualifierEnum": "missions.models.choices.Qualifier",
        "PrecisionEnum": "missions.dates.Precision",
        "DocumentKindEnum": "missions.models.choices.DocumentKind",
        "StatementKindEnum": "missions.models.choices.StatementKind",
        "StatusEnum": "missions.models.choices.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "missions.api.schema.add_error_responses",
    ],
}

# --- E-mail (alerts) ----------------------------------------------------------------------------
# The console backend by default: a digest is printed, not sent, until SMTP is configured.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "tracker@localhost")
# Where links in e-mails point: the address readers open the tracker at.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
