# expect: Unknown instruction: COPPY
# Bad case for check.js (du-unknown-instruction): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
COPPY . /app
USER 10001:10001
CMD ["python", "-m", "app"]
