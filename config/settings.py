"""Loopwright settings: one module, every value read from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Secrets have a default only in DEBUG; in production a missing one stops start-up with a clear error.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("LOOPWRIGHT_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "config.apps.PlatformAdminConfig",  # the Django admin, for platform operators only (config/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "common",
    "organisations",
    "api",
    "assessments",
    "grading",
    "rubrics",
    "integrations",
    "notifications",
    "manage",
]

MIDDLEWARE = [
    "config.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "api.throttling.RateLimitHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must survive concurrent requests: WAL lets readers run beside the writer,
    # IMMEDIATE takes the write lock when a transaction begins (a deferred one that reads then
    # writes fails at once with "database is locked" when another holds it; the busy timeout cannot
    # help it), and writers then wait up to SQLITE_BUSY_TIMEOUT seconds for each other.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.float("SQLITE_BUSY_TIMEOUT", default=20.0),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Login lockout (django-axes) on every password login, /accounts/login/ and /admin/login/ alike:
# after LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that pair is refused
# (429, the lockout page) for LOGIN_COOLOFF_MINUTES; a successful login clears the count. Behind a
# proxy the address is REMOTE_ADDR (the proxy's), so the lockout is then effectively per username.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("LOGIN_COOLOFF_MINUTES", default=15.0))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Security: strict outside DEBUG (manage.py check --deploy reports nothing with production settings).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Cookies are sent only over HTTPS outside DEBUG; DJANGO_SECURE_COOKIES=0 is for a plain-HTTP trial only
# (README, "A plain-HTTP trial"): without it the browser drops the session cookie and sign-in fails.
SECURE_COOKIES = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every page: scripts and style sheets only from our own
# static files (the pages' few <style> blocks carry the request's nonce), images only from us or
# data: URLs, so an image a candidate writes into a Markdown answer never loads from another host
# in a staff page; no framing, no plugins, forms post only to us. Style *attributes* are allowed:
# the CodeMirror editor sets them (tab size, tooltip positions, computed at run time, so no hash
# fits); an attribute runs no script and, with img-src and font-src ours, reaches no other host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

REST_FRAMEWORK = {
    # API keys first: their scheme names the 401's WWW-Authenticate header (docs/api.md).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.LoopwrightAutoSchema",
    "EXCEPTION_HANDLER": "api.exception_handlers.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    # The API speaks JSON only (forms are the web pages' business): other bodies get a 415.
    # Strict (api/parsers.py): a NUL character or nesting deeper than 64 is a 400, never a 500.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Requests per window, per API key and per signed-in person ("<n>/<second|minute|hour|day>"; "off").
API_KEY_RATE_LIMIT = env.str("API_KEY_RATE_LIMIT", default="600/minute")
API_USER_RATE_LIMIT = env.str("API_USER_RATE_LIMIT", default="1200/minute")
# Markdown previews per candidate attempt (the page previews on demand, never per keystroke).
CANDIDATE_PREVIEW_RATE_LIMIT = env.str("CANDIDATE_PREVIEW_RATE_LIMIT", default="60/minute")
# A verified API key is remembered this long per process (a query saved per request); a revocation
# reaches the other processes within it. 0 turns the memory off.
API_KEY_CACHE_SECONDS = env.float("API_KEY_CACHE_SECONDS", default=5.0)
SPECTACULAR_SETTINGS = {
    "TITLE": "Loopwright API",
    "DESCRIPTION": "Interview loops, question sets, candidates, timed assessments and grading.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar), never from a public CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The default hook (enums) and ours: the rate-limit and idempotency headers on the API's answers.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_response_headers"],
    "ENUM_NAME_OVERRIDES": {
        "QuestionKindEnum": "assessments.models.QuestionKind",
        "RubricKindEnum": "rubrics.models.RubricKind",
        "ImportJobStatusEnum": "assessments.models.ImportJobStatus",
        "StatusEnum": "assessments.models.AttemptStatus",  # the attempt's, named as before import jobs had a status
        "DeliveryStatusEnum": "integrations.models.OutgoingStatus",
        "EmailKindEnum": "notifications.models.EmailKind",
    },
}

# Celery: tasks are idempotent and acknowledged late so a lost worker never loses a job.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
RATE_LIMIT_REDIS_URL = env.str("RATE_LIMIT_REDIS_URL", default=CELERY_BROKER_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900)}
CELERY_BEAT_SCHEDULE = {
    "grading-sweep": {"task": "grading.tasks.sweep_submissions", "schedule": env.float("GRADING_SWEEP_SECONDS", 60.0)},
    "finalise-attempts": {"task": "assessments.tasks.finalise_expired_attempts", "schedule": 30.0},
    "sandbox-sweep": {"task": "grading.tasks.sweep_sandbox_containers", "schedule": 600.0},
    "webhook-sweep": {
        "task": "integrations.tasks.sweep_webhook_deliveries",
        "schedule": env.float("WEBHOOK_SWEEP_SECONDS", 15.0),
    },
    "greenhouse-callback-sweep": {
        "task": "integrations.greenhouse.tasks.sweep_greenhouse_callbacks",
        "schedule": env.float("WEBHOOK_SWEEP_SECONDS", 15.0),
    },
    "idempotency-expire": {"task": "integrations.tasks.expire_idempotency_records", "schedule": 3600.0},
    "import-sweep": {
        "task": "assessments.tasks.sweep_import_jobs",
        "schedule": env.float("IMPORT_SWEEP_SECONDS", 60.0),
    },
    "email-sweep": {"task": "notifications.tasks.sweep_emails", "schedule": env.float("EMAIL_SWEEP_SECONDS", 15.0)},
    "email-reminders": {
        "task": "notifications.tasks.record_reminders",
        "schedule": env.float("EMAIL_REMINDER_SWEEP_SECONDS", 300.0),
    },
}
# Queues by kind of work (DESIGN.md, grading point 8), so one kind never waits behind another:
#   grading   final grading (``submission_enqueue`` sends final submissions here)
#   samples   a candidate's sample runs (``submission_enqueue`` sends them here) and an author's validation
#             of a coding question's reference (``spec_validation_request``): short runs, never final grading
#   sweeps    beat's periodic tasks: the deadline finaliser and every sweep
#   webhooks  outgoing deliveries (webhooks, Greenhouse callbacks)
#   imports   Markdown imports too large for a request (``import_job_create`` sends them here)
#   mail      e-mail (docs/email.md): its own queue, so a bulk invite's e-mails never delay a webhook
# At least one worker process consumes ``grading`` alone, so final grading never waits behind a sample
# run (README, "Workers"): `celery -A config worker -Q grading`, `-Q samples`, `-Q sweeps,webhooks,imports,mail`.
GRADING_QUEUE = "grading"
SAMPLES_QUEUE = "samples"
SWEEPS_QUEUE = "sweeps"
WEBHOOKS_QUEUE = "webhooks"
IMPORTS_QUEUE = "imports"
MAIL_QUEUE = "mail"
WORKER_QUEUES = (GRADING_QUEUE, SAMPLES_QUEUE, SWEEPS_QUEUE, WEBHOOKS_QUEUE, IMPORTS_QUEUE, MAIL_QUEUE)
# Anything sent without a route is final grading's concern or nobody's: it goes where a worker always listens.
CELERY_TASK_DEFAULT_QUEUE = GRADING_QUEUE
CELERY_TASK_ROUTES = {
    "grading.tasks.grade_submission": {"queue": GRADING_QUEUE},
    "grading.tasks.validate_coding_spec": {"queue": SAMPLES_QUEUE},
    "integrations.tasks.deliver_webhook": {"queue": WEBHOOKS_QUEUE},
    "integrations.greenhouse.tasks.deliver_greenhouse_callback": {"queue": WEBHOOKS_QUEUE},
    "assessments.tasks.run_import_job": {"queue": IMPORTS_QUEUE},
    "notifications.tasks.deliver_email": {"queue": MAIL_QUEUE},
    **{entry["task"]: {"queue": SWEEPS_QUEUE} for entry in CELERY_BEAT_SCHEDULE.values()},
}

# Sample runs (DESIGN.md, grading point 8): one in flight per candidate and question, and a rate per attempt.
SAMPLE_RUNS_PER_ATTEMPT = env.int("SAMPLE_RUNS_PER_ATTEMPT", default=20)
SAMPLE_RUNS_WINDOW_SECONDS = env.int("SAMPLE_RUNS_WINDOW_SECONDS", default=600)
SAMPLE_RUN_RETRY_SECONDS = 3  # Retry-After while a run of the question is in flight (runs take a few seconds)

# Markdown imports (docs/api.md, "Importing a question set"): a document of at most IMPORT_INLINE_MAX_CHARS
# characters and IMPORT_INLINE_MAX_QUESTIONS questions is imported in the request (well within a second);
# a larger one becomes an import job on the ``imports`` queue, with a status the API and the page show.
MARKDOWN_IMPORT_MAX_CHARS = 500_000
IMPORT_INLINE_MAX_CHARS = env.int("IMPORT_INLINE_MAX_CHARS", default=20_000)
IMPORT_INLINE_MAX_QUESTIONS = env.int("IMPORT_INLINE_MAX_QUESTIONS", default=50)
IMPORT_TASK_SOFT_TIME_LIMIT = env.int("IMPORT_TASK_SOFT_TIME_LIMIT", default=240)
IMPORT_TASK_TIME_LIMIT = env.int("IMPORT_TASK_TIME_LIMIT", default=300)
# A job is tried this many times (a worker lost, a database error) before it is failed as the platform's fault.
IMPORT_MAX_DELIVERIES = env.int("IMPORT_MAX_DELIVERIES", default=3)
# The sweep re-sends an unfinished job nobody is working on once it was last sent this long ago.
IMPORT_REQUEUE_AFTER_SECONDS = env.int("IMPORT_REQUEUE_AFTER_SECONDS", default=600)

# Sandbox: where candidate code runs (see sandbox/ and docs).
SANDBOX_IMAGE = env.str("LOOPWRIGHT_SANDBOX_IMAGE", default="loopwright-sandbox-python:offline")
SANDBOX_RUNTIME = env.str("LOOPWRIGHT_SANDBOX_RUNTIME", default="runc")
SANDBOX_POOL_SIZE = env.int("LOOPWRIGHT_SANDBOX_POOL_SIZE", default=0)
DOCKER_HOST = env.str("DOCKER_HOST", default="unix:///var/run/docker.sock")

# Grading: a claimed submission's lease outlives the task's hard time limit, so a lost worker's
# submission is re-queued by the sweep and never graded twice.
GRADING_TASK_SOFT_TIME_LIMIT = env.int("GRADING_TASK_SOFT_TIME_LIMIT", default=240)
GRADING_TASK_TIME_LIMIT = env.int("GRADING_TASK_TIME_LIMIT", default=300)
GRADING_LEASE_SECONDS = env.int("GRADING_LEASE_SECONDS", default=360)
GRADING_MAX_DELIVERIES = env.int("GRADING_MAX_DELIVERIES", default=5)
GRADING_REQUEUE_AFTER_SECONDS = env.int("GRADING_REQUEUE_AFTER_SECONDS", default=120)
# A candidate's own submit is accepted this long after the stored deadline (a click in time, a slow
# network); later it is refused with 403 deadline_passed and the deadline sweep submits the saved work.
ATTEMPT_SUBMIT_GRACE_SECONDS = env.int("ATTEMPT_SUBMIT_GRACE_SECONDS", default=30)
# How often the candidate's page asks the server for its deadline (GET api/clock/): an extension shows
# within this many seconds without a reload (sooner when the candidate types: every save answers it too).
CANDIDATE_CLOCK_POLL_SECONDS = env.int("CANDIDATE_CLOCK_POLL_SECONDS", default=20)
SUBMISSION_MAX_SOURCE_BYTES = env.int("SUBMISSION_MAX_SOURCE_BYTES", default=64 * 1024)
# Any request body over this is refused before it is read: 413 too_large (config.middleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("REQUEST_BODY_MAX_BYTES", default=2_621_440)

# Webhooks (docs/webhooks.md): per-try timeouts; the lease outlives the task's hard time limit.
# Outgoing calls only to public addresses unless this is set (receivers on a private network; tests).
WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = env.bool("WEBHOOK_ALLOW_PRIVATE_DESTINATIONS", default=False)
WEBHOOK_CONNECT_TIMEOUT = env.float("WEBHOOK_CONNECT_TIMEOUT", default=5.0)
WEBHOOK_READ_TIMEOUT = env.float("WEBHOOK_READ_TIMEOUT", default=10.0)
WEBHOOK_TASK_SOFT_TIME_LIMIT = env.int("WEBHOOK_TASK_SOFT_TIME_LIMIT", default=30)
WEBHOOK_TASK_TIME_LIMIT = env.int("WEBHOOK_TASK_TIME_LIMIT", default=40)
WEBHOOK_LEASE_SECONDS = env.int("WEBHOOK_LEASE_SECONDS", default=60)
WEBHOOK_REQUEUE_AFTER_SECONDS = env.int("WEBHOOK_REQUEUE_AFTER_SECONDS", default=300)
# After a secret rotation, tries are signed with the new and the previous secret for this long.
WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS = env.float("WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS", default=24.0)

# E-mail (docs/email.md). EMAIL_URL (django-environ): smtp://user:password@host:587 with STARTTLS as
# smtp+tls://…, implicit TLS as smtp+ssl://…:465. Unset, every message is written as a file under
# EMAIL_FILE_PATH (var/mail/) instead of sent: readable on a development machine, sent nowhere.
# "Configured" means the messages leave the machine (an SMTP URL); only then is password reset offered.
_email = env.email_url("EMAIL_URL", default="filemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_CONFIGURED = EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or (465 if _email.get("EMAIL_USE_SSL") else 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
# The From address; its name is the organisation's ("Acme Hiring <noreply@…>").
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="loopwright@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TASK_SOFT_TIME_LIMIT = env.int("EMAIL_TASK_SOFT_TIME_LIMIT", default=30)
EMAIL_TASK_TIME_LIMIT = env.int("EMAIL_TASK_TIME_LIMIT", default=40)
# A candidate who has not started is reminded this many hours before the link closes (once).
EMAIL_REMINDER_HOURS = env.float("EMAIL_REMINDER_HOURS", default=24.0)
# An interviewer without a submitted scorecard is reminded this many hours after the attempt was graded (once).
EMAIL_SCORECARD_DUE_HOURS = env.float("EMAIL_SCORECARD_DUE_HOURS", default=48.0)
# The hour (UTC, 0-23) from which the day's digest of what needs attention goes to those who asked for it.
EMAIL_DIGEST_HOUR = env.int("EMAIL_DIGEST_HOUR", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOOPWRIGHT_LOG_LEVEL", default="INFO")},
}
