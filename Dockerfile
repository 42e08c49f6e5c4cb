# The weather example served by uvicorn on port 8080, as a non-root user.
# Alexa requires HTTPS: put a TLS proxy (or a load balancer) in front of this port.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY alexaskill ./alexaskill
RUN pip install ".[redis,fast]"
COPY examples ./examples

RUN useradd --create-home --uid 10001 skill && mkdir /data && chown skill /data
USER skill

# The skill id the example accepts requests for (set it to your own skill's id), and where the
# persistent attributes live: the SQLite file on the /data volume, or redis://host:6379/0.
ENV ALEXASKILL_SKILL_ID=amzn1.ask.skill.00000000-0000-0000-0000-000000000000 \
    ALEXASKILL_STORE=sqlite:////data/alexaskill.db \
    ALEXASKILL_LOG_LEVEL=INFO
VOLUME /data

EXPOSE 8080
CMD ["uvicorn", "examples.weather.app:skill", "--host", "0.0.0.0", "--port", "8080", "--proxy-headers", "--no-server-header", "--no-access-log"]
