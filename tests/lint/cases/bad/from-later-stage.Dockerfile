# expect: names a later stage
FROM runtime AS builder
RUN python -m venv /opt/venv

FROM python:3.11-slim AS runtime
COPY --from=builder /opt/venv /opt/venv
USER 10001:10001
CMD ["python", "-m", "app"]
