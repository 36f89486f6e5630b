# expect: Instructions should be written in uppercase letters
# Bad case for check.js (du-lowercase-instruction): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
copy . /app
USER 10001:10001
CMD ["python", "-m", "app"]
