FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATABASE_PATH=/data/kam.sqlite3
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY storage storage
COPY domain domain
COPY locales locales
RUN pip install --no-cache-dir . && useradd --create-home kam && mkdir -p /data && chown kam /data
USER kam
VOLUME ["/data"]
CMD ["kam-bot"]
