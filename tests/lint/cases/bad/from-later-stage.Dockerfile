# expect: names a later stage
# Bad case for check.js (from-later-stage): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM runtime AS builder
RUN python -m venv /opt/venv

FROM python:3.11-slim AS runtime
COPY --from=builder /opt/venv /opt/venv
USER 10001:10001
CMD ["python", "-m", "app"]
