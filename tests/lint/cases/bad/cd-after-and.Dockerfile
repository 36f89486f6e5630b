# expect: uses `cd` as a command
# Bad case for check.js (cd-after-and): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
COPY . /app
RUN mkdir -p /app/build && cd /app/build && python -m compileall /app
USER 10001:10001
CMD ["python", "-m", "app"]
