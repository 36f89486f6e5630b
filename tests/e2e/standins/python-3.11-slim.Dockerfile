# Stand-in for the official python:3.11-slim, built from Debian 12's packages (no registry here).
# Python lands at /usr/bin/python3 (3.11.2); /usr/local/bin/python and python3 symlink to it like
# the official image's paths. Like the official image it carries the C headers of Python
# (unpacked from libpython3.11-dev into /usr/include, not registered with dpkg) but no compiler
# and no -dev package. pip installs offline from Debian's wheels (setuptools, wheel), so an
# unchanged `pip install -r requirements.txt` can build local packages inside a venv.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv python-is-python3 python3-pip \
      python3-setuptools-whl python3-wheel-whl \
 && mkdir /tmp/pydev && cd /tmp/pydev \
 && apt-get download libpython3.11-dev 2>/dev/null \
 && dpkg-deb -x libpython3.11-dev_*.deb root \
 && cp -a root/usr/include/. /usr/include/ \
 && cd / && rm -rf /tmp/pydev /var/lib/apt/lists/* \
 && ln -s /usr/bin/python3 /usr/local/bin/python3 \
 && ln -s /usr/bin/python3 /usr/local/bin/python
ENV PYTHON_VERSION=3.11.2 PIP_NO_INDEX=1 PIP_FIND_LINKS=/usr/share/python-wheels PIP_DISABLE_PIP_VERSION_CHECK=1 LANG=C.UTF-8
CMD ["python3"]
