# expect: has no tag
FROM python
WORKDIR /app
COPY . .
USER 10001:10001
CMD ["python", "-m", "app"]
