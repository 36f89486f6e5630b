# expect: uses the :latest tag
FROM python:latest
WORKDIR /app
COPY . .
USER 10001:10001
CMD ["python", "-m", "app"]
