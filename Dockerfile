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
# Settings, database, Bot API (and, in webhook mode, the bot's webhook port): `kam-bot check`.
# A full integrity check reads the whole database, hence the unhurried interval.
HEALTHCHECK --interval=5m --timeout=60s --start-period=2m --retries=2 CMD ["kam-bot", "check"]
# Webhook mode (WEBHOOK_URL set) listens here by default (WEBHOOK_PORT).
EXPOSE 8443
CMD ["kam-bot"]
