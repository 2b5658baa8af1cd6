# kamkit as a container image (issue 17): kamkit installed as a wheel with the locked
# dependencies, run as a non-root user, its data folder a volume.
#   docker build -t kamkit .
#   docker compose up            # with PostgreSQL 16: see compose.yaml and docs/operations.md

FROM python:3.11-slim AS build
RUN pip install --no-cache-dir uv
WORKDIR /src
COPY pyproject.toml uv.lock README.md ./
COPY src ./src
# the exact versions of uv.lock, then kamkit itself as a wheel
RUN uv export --frozen --no-dev --no-emit-project --no-hashes -o /dist/requirements.txt \
 && uv build --wheel --out-dir /dist

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KAMKIT_DATA_DIR=/data \
    KAMKIT_ALLOWED_HOSTS=localhost,127.0.0.1
COPY --from=build /dist /dist
RUN pip install --no-cache-dir -r /dist/requirements.txt \
 && pip install --no-cache-dir --no-deps /dist/*.whl \
 && rm -rf /dist \
 && useradd --system --uid 10001 --create-home --home-dir /home/kamkit kamkit \
 && mkdir /data && chown kamkit /data && chmod 0700 /data
USER kamkit
WORKDIR /home/kamkit
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["kamkit"]
# the web processes; run `kamkit migrate` first (compose.yaml does) and `kamkit worker` beside
CMD ["serve", "--host", "0.0.0.0", "--no-migrate", "--no-worker"]
