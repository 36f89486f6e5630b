# Stand-in for the official ruby:3.1-slim, built from Debian 12's ruby3.1 (3.1.2) and bundler
# (2.3.15) packages. Like the official image: gems go to GEM_HOME=/usr/local/bundle (created,
# world-writable with the sticky bit), Bundler keeps its settings there (BUNDLE_APP_CONFIG), its
# bin/ is on PATH, and ruby is also at /usr/local/bin/ruby. No compiler and no -dev package.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ruby bundler \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/bin/ruby /usr/local/bin/ruby \
 && mkdir -p /usr/local/bundle && chmod 1777 /usr/local/bundle
ENV LANG=C.UTF-8 RUBY_VERSION=3.1.2 GEM_HOME=/usr/local/bundle BUNDLE_SILENCE_ROOT_WARNING=1 \
    BUNDLE_APP_CONFIG=/usr/local/bundle PATH=/usr/local/bundle/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["irb"]
