# expect: apt-get install without -y
# Bad case for check.js (apt-no-y): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
RUN apt-get update \
    && apt-get install --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/*
USER 10001:10001
CMD ["python", "-m", "app"]
