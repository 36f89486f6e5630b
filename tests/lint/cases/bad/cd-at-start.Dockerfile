# expect: uses `cd` as a command
# Bad case for check.js (cd-at-start): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
COPY . /app
RUN cd /app && python -m compileall .
USER 10001:10001
CMD ["python", "-m", "app"]
