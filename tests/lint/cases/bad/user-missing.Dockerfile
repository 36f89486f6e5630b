# expect: final stage has no USER
# Bad case for check.js (user-missing): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim AS builder
RUN groupadd --gid 10001 app && useradd --uid 10001 --gid 10001 app
USER 10001:10001

FROM python:3.11-slim
COPY --from=builder /etc/passwd /etc/passwd
CMD ["python", "-m", "app"]
