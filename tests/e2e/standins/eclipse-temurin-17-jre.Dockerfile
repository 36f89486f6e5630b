# Stand-in for the official eclipse-temurin:17-jre, built from Debian 12's openjdk-17-jre-headless.
# Laid out like the official image where Dockerfiles notice: JAVA_HOME=/opt/java/openjdk (a symlink
# to Debian's JVM) with its bin first on PATH, so `java` resolves there. The official image is
# Ubuntu-based and has an entrypoint that imports extra CA certificates; neither matters here.
# /usr/share/man/man1 is made first: the slim base lacks it and the JRE's alternatives need it.
FROM debian:bookworm-slim
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /opt/java \
 && ln -s "$(dirname "$(dirname "$(readlink -f /usr/bin/java)")")" /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    JAVA_VERSION=jdk-17 LANG=C.UTF-8
CMD ["jshell"]
