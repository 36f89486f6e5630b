# expect: pip install without --no-cache-dir
# Bad case for check.js (pip-cache-mount-elsewhere): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
# The cache mount is not pip's cache, so pip still writes one into the layer.
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.npm pip install -r requirements.txt
USER 10001:10001
CMD ["python", "-m", "app"]
