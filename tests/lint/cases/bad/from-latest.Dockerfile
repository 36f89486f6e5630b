# expect: uses the :latest tag
# Bad case for check.js (from-latest): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:latest
WORKDIR /app
COPY . .
USER 10001:10001
CMD ["python", "-m", "app"]
