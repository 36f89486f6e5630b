# expect: does not remove /var/lib/apt/lists/*
# Bad case for check.js (apt-lists-kept): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5
USER 10001:10001
CMD ["python", "-m", "app"]
