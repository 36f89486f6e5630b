# expect: using single quotes instead of double quotes
# expect: CMD is not a valid JSON array of strings
# Bad case for check.js (cmd-single-quotes): breaks exactly the rule named in the
# expect line(s) above and is otherwise clean; see ../../selftest.sh.
FROM python:3.11-slim
USER 10001:10001
CMD ['python', '-m', 'app']
