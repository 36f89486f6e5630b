# The single-stage form of the same app: one stage does everything.
# Good case for check.js and instructions.js; never built, only read.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
WORKDIR /app
COPY requirements.txt .
RUN /opt/venv/bin/pip install --no-cache-dir --upgrade pip \
    && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt
COPY . .
RUN groupadd --gid 10001 app && useradd --uid 10001 --gid 10001 --create-home app
USER app
EXPOSE 5000
ENTRYPOINT ["/opt/venv/bin/python", "-m", "app"]
CMD ["--port", "5000"]
