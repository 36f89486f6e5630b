# expect: pip install without --no-cache-dir
# Bad case for check.js (pip-no-cache-dir): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
USER 10001:10001
CMD ["python", "-m", "app"]
