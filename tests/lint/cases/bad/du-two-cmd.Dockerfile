# expect: There can only be one CMD instruction
# Bad case for check.js (du-two-cmd): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
USER 10001:10001
CMD ["python", "-m", "app"]
CMD ["python", "-m", "app", "--debug"]
