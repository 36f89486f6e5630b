FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements.txt ./
COPY vendor/ ./vendor/
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin app
ENV PYTHONUNBUFFERED=1
USER 10001:10001
EXPOSE 5000
CMD ["python", "app.py"]
