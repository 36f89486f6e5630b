# expect: syntax directive
# Bad case for check.js (syntax-directive): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
# syntax=docker/dockerfile:1
FROM python:3.11-slim
USER 10001:10001
CMD ["python", "-m", "app"]
