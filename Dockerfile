# The dashboard, served by Streamlit on 0.0.0.0:8501. compose.yaml runs two of these behind nginx
# on one PostgreSQL (DATABASE_URL); docs/DEPLOY.md explains the settings and secrets to provide.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CHROMIUM_PATH=/usr/bin/chromium

# Debian's chromium draws the chart images (PNG/SVG) and the PDF handout; fonts for French text.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/indicators indicators
WORKDIR /app

# Pinned dependencies first (a layer kept while only the code changes), the package in place last.
COPY requirements.txt requirements-postgres.txt ./
RUN grep -v '^-e ' requirements.txt > /tmp/pins.txt \
    && pip install -r /tmp/pins.txt -r requirements-postgres.txt \
    && rm /tmp/pins.txt
COPY . .
RUN pip install --no-deps -e . \
    && mkdir -p /app/data/audit /app/data/store \
    && chown -R indicators:indicators /app/data

USER indicators
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"

# Listening on every interface: the analyst pages then open only with a sign-in configured in
# .streamlit/secrets.toml (OpenID Connect or the analyst password), never on trust.
CMD ["python", "-m", "streamlit", "run", "server.py", "--server.address", "0.0.0.0", "--server.port", "8501"]
