# expect: is a later stage
# Bad case for check.js (copy-from-later-stage): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim AS builder
COPY --from=runtime /etc/hostname /tmp/hostname

FROM python:3.11-slim AS runtime
USER 10001:10001
CMD ["python", "-m", "app"]
