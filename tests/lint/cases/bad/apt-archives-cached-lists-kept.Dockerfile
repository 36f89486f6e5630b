# expect: does not remove /var/lib/apt/lists/*
# Bad case for check.js (apt-archives-cached-lists-kept): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
# Only the archives are a cache mount: the lists still end up in the layer.
FROM python:3.11-slim
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y --no-install-recommends libpq5
USER 10001:10001
CMD ["python", "-m", "app"]
