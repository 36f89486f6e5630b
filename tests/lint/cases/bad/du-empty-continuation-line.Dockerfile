# expect: Empty continuation line
# Bad case for check.js (du-empty-continuation-line): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
RUN python -m venv /opt/venv \

    && /opt/venv/bin/pip install --no-cache-dir --upgrade pip
USER 10001:10001
CMD ["python", "-m", "app"]
