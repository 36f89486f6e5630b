# expect: RUN uses a pipe without pipefail
# Bad case for check.js (pipe-shell-form-only): breaks exactly the rule named
# in the expect line(s) above and is otherwise clean; see ../../selftest.sh.
# A SHELL without -o pipefail does not count.
FROM debian:12.5-slim
SHELL ["/bin/bash", "-e", "-c"]
RUN find / -name '*.so' | sort > /tmp/libs.txt
USER 10001:10001
CMD ["/bin/true"]
