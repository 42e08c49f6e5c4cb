# The weather example served by uvicorn on port 8080, as an unprivileged user (uid 10001).
# Alexa requires HTTPS: put a TLS proxy (or a load balancer) in front of this port.
# Debian's release pinned (trixie, Debian 13), not only Python's: python:3.11-slim moves to the
# next Debian release when it comes out (bookworm to trixie, then forky), and with it glibc and
# OpenSSL, in a rebuild that changed nothing else. A rebuild still takes both's security updates.
FROM python:3.11-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The dependencies first, in a layer of their own, read from pyproject.toml (runtime, plus the
# redis and fast extras): it is built again only when pyproject.toml changes, not on every edit
# of the code.
COPY pyproject.toml ./
RUN python -c "import tomllib; project = tomllib.load(open('pyproject.toml', 'rb'))['project']; extras = project['optional-dependencies']; print(*project['dependencies'], *extras['redis'], *extras['fast'], sep='\n')" > /tmp/requirements.txt \
    && pip install --requirement /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the package itself (its dependencies are there already), and the example skill. The copy
# it is installed from goes: in /app, first on uvicorn's path, it would shadow the installed
# package (which pip compiled), and every worker would compile it all again at start.
COPY README.md ./
COPY alexaskill ./alexaskill
RUN pip install --no-deps . && rm -r alexaskill
COPY examples ./examples

RUN groupadd --gid 10001 skill \
    && useradd --uid 10001 --gid 10001 --no-log-init --create-home skill \
    && mkdir /data \
    && chown 10001:10001 /data
# Numeric, so that a cluster can check it runs as no root without reading /etc/passwd.
USER 10001:10001

# Where the persistent attributes live: the SQLite file on the /data volume, or
# redis://host:6379/0. FORWARDED_ALLOW_IPS: the addresses (or networks) of the proxies whose
# X-Forwarded-For and X-Forwarded-Proto uvicorn believes; set it to your TLS proxy's.
ENV ALEXASKILL_STORE=sqlite:////data/alexaskill.db \
    ALEXASKILL_LOG_LEVEL=INFO \
    FORWARDED_ALLOW_IPS=127.0.0.1,::1
VOLUME /data

EXPOSE 8080
# (no curl in the image: alexaskill's own, in Python; it asks through no $HTTP_PROXY, and over
# HTTPS if --ssl-certfile is added to CMD)
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-m", "alexaskill.healthcheck", "http://127.0.0.1:8080/health"]

# `docker stop` sends SIGINT, on which uvicorn stops as on SIGTERM (the graceful shutdown below)
# and then exits with status 0: after a SIGTERM it raises that signal again once stopped, and dies
# of it (status 143, a failure to tini, compose's `init: true`, Kubernetes, supervisors).
STOPSIGNAL SIGINT

# No skill id is built in: the container refuses to start without ALEXASKILL_SKILL_ID, in one line.
ENTRYPOINT ["sh", "-c", ": \"${ALEXASKILL_SKILL_ID:?must be set to the skill's id: docker run -e ALEXASKILL_SKILL_ID=amzn1.ask.skill.…}\" && exec \"$@\"", "alexaskill"]

# alexaskill.server's HTTP protocol bounds slow and greedy clients (request-head deadline and
# size, open connections within the file-descriptor limit); at most 999 open connections, idle
# keep-alive ones closed after 5 s. Stopped, the server waits 9 s at most for the requests under
# way (their 7 s deadline and the half second of its exception handler), then cancels them: less
# than the 10 s `docker stop` waits before SIGKILL. The event loop is uvicorn's own choice (uvloop),
# whose TLS servers (--ssl-certfile added) close a handshake not done within 10 s, not 60.
# README: "Deployment", "HTTP behaviour".
CMD ["uvicorn", "examples.weather.app:skill", "--host", "0.0.0.0", "--port", "8080", "--http", "alexaskill.server:HttpProtocol", "--limit-concurrency", "1000", "--timeout-keep-alive", "5", "--timeout-graceful-shutdown", "9", "--proxy-headers", "--no-server-header", "--no-access-log", "--loop", "alexaskill.loops:new_event_loop"]
