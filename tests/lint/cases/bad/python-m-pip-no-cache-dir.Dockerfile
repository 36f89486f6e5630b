# expect: pip install without --no-cache-dir
# Bad case for check.js (python-m-pip-no-cache-dir): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
RUN python -m venv /opt/venv && python -m pip install --upgrade pip
USER 10001:10001
CMD ["python", "-m", "app"]
