FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . && DJANGO_DEBUG=false SECRET_KEY=build ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "emgtracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
