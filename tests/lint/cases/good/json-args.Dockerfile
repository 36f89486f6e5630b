# Exec-form arguments with spaces and escapes, labels with quoted values,
# flags on COPY: instructions.js must print every element whole.
# Good case for check.js and instructions.js; never built, only read.
FROM python:3.12-slim-bookworm AS app
LABEL org.opencontainers.image.title="stagec demo" \
      org.opencontainers.image.description="a \"quoted\" word"
ARG APP_HOME=/srv/app
ENV PORT=8000 APP_HOME=/srv/app
WORKDIR /srv/app
COPY --chown=10001:10001 ["requirements.txt", "/srv/app/requirements file.txt"]
RUN pip install --no-cache-dir -r "/srv/app/requirements file.txt"
USER 10001
EXPOSE 8000/tcp
HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/')"]
ENTRYPOINT ["sh", "-c", "exec gunicorn --bind \"0.0.0.0:$PORT\" app:app", "--"]
