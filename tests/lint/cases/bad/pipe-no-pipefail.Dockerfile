# expect: RUN uses a pipe without pipefail
# Bad case for check.js (pipe-no-pipefail): breaks exactly the rule named in
# the expect line(s) above and is otherwise clean; see ../../selftest.sh.
# (hadolint DL4006: the RUN's status is tar's alone, a gzip failure is lost.)
FROM debian:12.5-slim
RUN mkdir -p /opt/tool && gzip -dc /tmp/tool.tar.gz | tar -C /opt/tool -xf -
USER 10001:10001
CMD ["/opt/tool/bin/tool"]
