# expect: is the current stage itself
# Bad case for check.js (copy-from-itself): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim AS builder
RUN python -m venv /opt/venv

FROM python:3.11-slim AS runtime
COPY --from=runtime /opt/venv /opt/venv
USER 10001:10001
CMD ["python", "-m", "app"]
