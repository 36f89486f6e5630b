# expect: pip install without --no-cache-dir
# Bad case for check.js (venv-pip-no-cache-dir): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-cache-dir --upgrade pip \
    && /opt/venv/bin/pip install -r /tmp/requirements.txt
USER 10001:10001
CMD ["python", "-m", "app"]
