# syntax=docker/dockerfile:1
# jobmock: every vendor on port 8000. Mount your own fixtures over /fixtures to replace the
# bundled set:  docker run -p 127.0.0.1:8000:8000 -v "$PWD/fixtures:/fixtures:ro" jobmock

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY fixtures ./fixtures
# With the redis extra: the same image runs alone or as one of many replicas (docs/state.md).
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[redis]"

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    JOBMOCK_HOST=0.0.0.0 \
    JOBMOCK_PORT=8000 \
    JOBMOCK_FIXTURES=/fixtures
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin jobmock
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY --chown=jobmock:jobmock fixtures /fixtures
USER jobmock
WORKDIR /home/jobmock
EXPOSE 8000
# No flags: JOBMOCK_* settings (docker run -e, compose's environment:) would lose to them.
# The probe follows JOBMOCK_PORT the same way.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["jobmock", "health"]
CMD ["jobmock", "serve"]
