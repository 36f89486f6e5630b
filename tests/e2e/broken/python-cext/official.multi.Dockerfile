# Deliberately wrong "multi-stage" Dockerfile for selftest.sh: one stage, toolchain kept, runs as
# root, source copied before the dependencies are installed.
FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential python3-dev \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
ENV PYTHONUNBUFFERED=1
EXPOSE 5000
CMD ["python", "app.py"]
