FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# The processes run as an unprivileged system user. The code and the collected static files
# stay root's and read-only to it; it writes only the media directory (briefing packs).
RUN groupadd --system --gid 10001 emg \
    && useradd --system --uid 10001 --gid emg --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin emg
# WeasyPrint (the briefing pack's PDF) draws with Pango and HarfBuzz, in DejaVu Sans and, for
# Chinese, WenQuanYi Micro Hei; gettext compiles the interface's catalogues (docs/languages.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-wqy-microhei gettext \
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN pip install --no-cache-dir . && DJANGO_DEBUG=false SECRET_KEY=build ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
    && DJANGO_DEBUG=false SECRET_KEY=build ALLOWED_HOSTS=build \
       python manage.py compilemessages \
    && mkdir -p /srv/media && chown emg:emg /srv/media
USER emg
EXPOSE 8000
CMD ["gunicorn", "emgtracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
