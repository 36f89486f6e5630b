# expect: ADD is not allowed
# Bad case for check.js (add-local): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
WORKDIR /app
ADD . /app
USER 10001:10001
CMD ["python", "-m", "app"]
