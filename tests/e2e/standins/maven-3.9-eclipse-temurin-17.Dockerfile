# Stand-in for the official maven:3.9-eclipse-temurin-17 (eclipse-temurin's JDK 17 plus Maven),
# built from Debian 12's openjdk-17-jdk-headless and maven (3.8.7: older than the tag says, which
# only matters to builds that reach Maven Central, and none can here). JAVA_HOME=/opt/java/openjdk
# and MAVEN_HOME=/usr/share/maven as in the official image; javac, jar and mvn are on PATH.
FROM debian:bookworm-slim
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /opt/java \
 && ln -s "$(dirname "$(dirname "$(readlink -f /usr/bin/javac)")")" /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk MAVEN_HOME=/usr/share/maven MAVEN_CONFIG=/root/.m2 \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    JAVA_VERSION=jdk-17 LANG=C.UTF-8
CMD ["mvn"]
