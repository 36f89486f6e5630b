# Stand-in for the official php:8.2-cli, built from Debian 12's php8.2-cli (8.2.x). php is also
# at /usr/local/bin/php as in the official image, PHP_INI_DIR is set, and the entrypoint
# (docker-php-entrypoint, written here) runs `php ARGS` when the first argument is an option and
# the command as given otherwise. No compiler and no -dev package.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends php8.2-cli \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/bin/php /usr/local/bin/php
COPY docker-php-entrypoint /usr/local/bin/docker-php-entrypoint
ENV PHP_INI_DIR=/etc/php/8.2/cli PHP_VERSION=8.2
ENTRYPOINT ["docker-php-entrypoint"]
CMD ["php", "-a"]
