# Production image for web, worker and beat (needs a registry for the base images).
FROM node:20-bookworm-slim AS editor
WORKDIR /src
COPY frontend/ frontend/
COPY assessments/static/candidate/ assessments/static/candidate/
RUN cd frontend && npm ci --no-audit --no-fund && node build.mjs

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --system --uid 10010 --home-dir /app loopwright
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=editor /src/assessments/static/candidate/editor.bundle.js assessments/static/candidate/
RUN DJANGO_DEBUG=1 python manage.py collectstatic --noinput -v0 && chown -R loopwright /app/var
USER loopwright
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
