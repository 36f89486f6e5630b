# expect: final stage runs as root
# Bad case for check.js (user-root-root): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
RUN groupadd --gid 10001 app && useradd --uid 10001 --gid 10001 app
USER 10001:10001
COPY . /app
USER root:root
CMD ["python", "-m", "app"]
