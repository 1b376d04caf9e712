"""Settings for the API benchmark (``bench/api.py``): the project's own, with the bench URLs and database.

Production-like: DEBUG off, persistent database connections as configured, no access log. The bench
sets ``DJANGO_SECRET_KEY`` and ``BENCH_DATABASE_URL`` in the environment of the processes it starts.
"""

from config.settings import *  # noqa: F403
from config.settings import DATABASES, env

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]  # testserver: the in-process query count
SECURE_SSL_REDIRECT = False  # plain HTTP on loopback; a redirect would be a 301 for every request
DATABASES["default"] = {
    **env.db("BENCH_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/loopwright_bench"),
    "ATOMIC_REQUESTS": False,
    "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
}
# The rate limiter must not turn the load into 429s: the bench measures the work, not the limit.
# Its Redis round trip per request stays in (every real call pays it), in the bench's own Redis db.
API_KEY_RATE_LIMIT = "100000000/minute"
API_USER_RATE_LIMIT = "100000000/minute"
RATE_LIMIT_REDIS_URL = "redis://127.0.0.1:6379/14"
CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # A 4xx under load would log a line per request; wrk counts them instead (and the run fails).
    "loggers": {"django.request": {"level": "ERROR"}},
}
