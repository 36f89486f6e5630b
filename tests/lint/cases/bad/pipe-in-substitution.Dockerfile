# expect: RUN uses a pipe without pipefail
# Bad case for check.js (pipe-in-substitution): breaks exactly the rule named
# in the expect line(s) above and is otherwise clean; see ../../selftest.sh.
# The pipe hides inside a command substitution within double quotes, as
# stagec's java template once had it; set -o pipefail after the pipe, or a
# SHELL with pipefail in an earlier stage, do not count.
FROM debian:12.5-slim AS first
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN echo a | cat

FROM debian:12.5-slim
COPY --from=first /etc/hostname /tmp/x
RUN cp "$(ls /usr/lib/*.jar | head -n 1)" /opt/app.jar && set -o pipefail
USER 10001:10001
CMD ["/bin/true"]
