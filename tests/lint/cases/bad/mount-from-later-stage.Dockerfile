# expect: must name an earlier stage
# Bad case for check.js (mount-from-later-stage): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim AS builder
RUN --mount=type=bind,from=runtime,target=/mnt ls /mnt

FROM python:3.11-slim AS runtime
USER 10001:10001
CMD ["python", "-m", "app"]
