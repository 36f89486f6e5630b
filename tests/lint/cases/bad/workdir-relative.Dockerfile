# expect: WORKDIR paths should be absolute
# expect: WORKDIR "app" is not absolute
# Bad case for check.js (workdir-relative): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
WORKDIR app
COPY . .
USER 10001:10001
CMD ["python", "-m", "app"]
