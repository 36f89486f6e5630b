# expect: CMD is in shell form
# Bad case for check.js (cmd-shell-form): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
WORKDIR /app
COPY . .
USER 10001:10001
CMD python -m app
