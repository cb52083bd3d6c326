"""Cadence settings, read from the environment.

SQLite (WAL) is the embedded default; set ``DATABASE_URL`` (``postgres://...``) for PostgreSQL.
Every clinical threshold that DOMAIN.md marks "verify" is a ``CADENCE_*`` setting below.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw in (None, "") else int(raw)


DEBUG = env_bool("CADENCE_DEBUG", False)
# The demo key is only for local runs; production sets CADENCE_SECRET_KEY.
SECRET_KEY = os.environ.get("CADENCE_SECRET_KEY", "cadence-local-demo-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = [h for h in os.environ.get("CADENCE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CADENCE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "cadence.core",
    "cadence.audit",
    "cadence.accounts",
    "cadence.programs",
    "cadence.participants",
    "cadence.scheduling",
    "cadence.attendance",
    "cadence.measures",
    "cadence.plans",
    "cadence.notes",
    "cadence.safety",
    "cadence.safetyplans",
    "cadence.consents",
    "cadence.outcomes",
    "cadence.interop",
    "cadence.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cadence.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cadence.accounts.middleware.LoginRequiredMiddleware",
    "cadence.core.timezones.SiteTimeZoneMiddleware",
    "cadence.portal.middleware.ParticipantBoundaryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cadence.urls"
WSGI_APPLICATION = "cadence.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cadence" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cadence.core.context_processors.cadence",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
SQLITE_PATH = os.environ.get("CADENCE_SQLITE_PATH", str(BASE_DIR / "var" / "cadence.sqlite3"))
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # IMMEDIATE: a transaction takes the write lock when it starts, so the audit hash
                # chain and capacity checks never hit "database is locked" on an upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, sessions -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Automatic logoff after inactivity (HIPAA): the cookie is renewed on every request.
CADENCE_SESSION_TIMEOUT_MINUTES = env_int("CADENCE_SESSION_TIMEOUT_MINUTES", 15)
SESSION_COOKIE_AGE = CADENCE_SESSION_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("CADENCE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Two-factor: TOTP is optional for staff; administrators must use it when this is on.
CADENCE_REQUIRE_2FA_FOR_ADMINS = env_bool("CADENCE_REQUIRE_2FA_FOR_ADMINS", False)
OTP_TOTP_ISSUER = "Cadence"

# Login throttling (django-axes): lock a username+IP after repeated failures.
AXES_FAILURE_LIMIT = env_int("CADENCE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("CADENCE_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Security headers ------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files (served by the app; no CDN) ------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "cadence" / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Background work -------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Email (notifications never carry clinical details) --------------------------------------
EMAIL_BACKEND = os.environ.get("CADENCE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("CADENCE_FROM_EMAIL", "cadence@localhost")

# --- Cadence ---------------------------------------------------------------------------------
CADENCE_PAGE_SIZE = env_int("CADENCE_PAGE_SIZE", 50)

# Measures (DOMAIN.md section 4: numbers marked "verify" are settings).
CADENCE_PCL5_CUTOFF = env_int("CADENCE_PCL5_CUTOFF", 33)
CADENCE_CRAVING_ALERT_AT = env_int("CADENCE_CRAVING_ALERT_AT", 8)
CADENCE_MEASURE_LINK_HOURS = env_int("CADENCE_MEASURE_LINK_HOURS", 72)

# Scheduling (read through cadence.scheduling.conf, which holds the same defaults).
CADENCE_GROUP_MAX_SIZE_LIMIT = env_int("CADENCE_GROUP_MAX_SIZE_LIMIT", 15)
CADENCE_STAFF_DEFAULT_MAX_HOURS_WEEK = env_int("CADENCE_STAFF_DEFAULT_MAX_HOURS_WEEK", 40)
CADENCE_SCHEDULE_TIME_LIMIT_SECONDS = env_int("CADENCE_SCHEDULE_TIME_LIMIT_SECONDS", 30)
CADENCE_SCHEDULE_MAX_TIME_LIMIT_SECONDS = env_int("CADENCE_SCHEDULE_MAX_TIME_LIMIT_SECONDS", 300)
CADENCE_SCHEDULE_SOLVER_WORKERS = env_int("CADENCE_SCHEDULE_SOLVER_WORKERS", 2)
CADENCE_CALENDAR_PAST_DAYS = env_int("CADENCE_CALENDAR_PAST_DAYS", 30)
CADENCE_CALENDAR_FUTURE_DAYS = env_int("CADENCE_CALENDAR_FUTURE_DAYS", 120)

# Home-dashboard cards other apps contribute (see cadence.core.cards), in no particular order.
CADENCE_DASHBOARD_CARDS: list[str] = [
    "cadence.safety.cards.crisis_card",
    "cadence.scheduling.cards.todays_sessions",
    "cadence.safety.cards.notifications_card",
    "cadence.notes.cards.notes_to_sign",
    "cadence.notes.cards.notes_to_cosign",
    "cadence.plans.cards.plan_reviews_card",
    "cadence.outcomes.cards.outcomes_card",
]
# Panels other apps add to a participant's chart (banner, link row, cards), in no particular order.
CADENCE_CHART_PANELS: list[str] = [
    "cadence.safety.cards.risk_banner",
    "cadence.plans.cards.plan_link_panel",
    "cadence.notes.cards.notes_link",
    "cadence.plans.cards.plan_goals_panel",
    "cadence.safetyplans.cards.safety_plan_link_panel",
    "cadence.safetyplans.cards.safety_plan_panel",
    "cadence.consents.cards.consent_banner",
    "cadence.consents.cards.consents_link_panel",
    "cadence.interop.cards.fhir_export_link_panel",
]

# Crisis events: a high-severity event unacknowledged this long escalates to the on-call clinician, and
# after as long again to the program director. E-mails carry no clinical details, only a link.
CADENCE_CRISIS_ACK_MINUTES = env_int("CADENCE_CRISIS_ACK_MINUTES", 15)
CADENCE_CRISIS_ESCALATION_MINUTES = env_int("CADENCE_CRISIS_ESCALATION_MINUTES", CADENCE_CRISIS_ACK_MINUTES)
CADENCE_CRISIS_EMAIL = env_bool("CADENCE_CRISIS_EMAIL", True)
# The address staff reach Cadence at, for links in e-mails (e.g. https://cadence.example.org).
CADENCE_BASE_URL = os.environ.get("CADENCE_BASE_URL", "")

# Clinical notes: unsigned this many hours after the session ends, a note shows on its author's dashboard.
CADENCE_NOTE_SIGN_HOURS = env_int("CADENCE_NOTE_SIGN_HOURS", 24)

# Treatment plans: review every N days (and at any level-of-care change); "soon" on the dashboard.
CADENCE_PLAN_REVIEW_DAYS = env_int("CADENCE_PLAN_REVIEW_DAYS", 30)
CADENCE_PLAN_REVIEW_SOON_DAYS = env_int("CADENCE_PLAN_REVIEW_SOON_DAYS", 7)

# Program outcomes: a baseline ("pre") may be answered at most this many days before admission.
CADENCE_OUTCOME_BASELINE_DAYS_BEFORE = env_int("CADENCE_OUTCOME_BASELINE_DAYS_BEFORE", 14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CADENCE_LOG_LEVEL", "WARNING")},
}
