# tradeagg on Debian 12 (bookworm): built in the first stage, run from debian:12-slim with only
# the runtime libraries. docker-compose.yml runs it on a MongoDB replica set with its lake on
# SeaweedFS (S3 and Iceberg REST catalog); alone, it runs on the embedded SQLite default:
#   docker build -t tradeagg . && docker run -p 8080:8080 -e TRADEAGG_ADMIN_PASSWORD=… tradeagg
# DuckDB's library comes from its linux-x64 node bindings: the image is linux/amd64 only.

# --- build ---------------------------------------------------------------------------------------
FROM debian:12 AS build
# The C++ build's packages from scripts/setup.sh (not the test tools). libgtest-dev too, because
# CMakeLists.txt configures the unit-test target (only `tradeagg` is built). nodejs and npm run
# the `npm pack` of scripts/duckdb.sh, python3-pip its download of DuckDB's httpfs extension.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config ca-certificates \
      libboost1.81-dev libboost-url1.81-dev libsimdjson-dev nlohmann-json3-dev \
      libsqlite3-dev libsodium-dev libtomlplusplus-dev libcli11-dev libspdlog-dev \
      libhowardhinnant-date-dev libzstd-dev libssl-dev libmongoc-dev libbson-dev \
      libcurl4-openssl-dev libexpat1-dev libgtest-dev \
      nodejs npm python3-pip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# DuckDB 1.4.4, pinned and checksummed, into /src/.deps/duckdb-1.4.4 (CMakeLists.txt's default
# DUCKDB_ROOT); before the sources, so this layer outlives source changes.
COPY scripts/duckdb.sh scripts/
RUN bash scripts/duckdb.sh
COPY . .
# The pages' front-end packages (uPlot, Swagger UI), pinned by web/package-lock.json.
RUN cd web && npm ci --ignore-scripts --no-audit --no-fund
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && ninja -C build tradeagg

# --- runtime -------------------------------------------------------------------------------------
FROM debian:12-slim
# The packages of the libraries the binary links (ldd build/tradeagg, dpkg -S); apt brings theirs
# (libmongoc's OpenSSL, SASL, zstd, snappy, ICU, libmongocrypt). tzdata: calendar.time_zone is
# read from /usr/share/zoneinfo. ca-certificates: TLS to MongoDB without tlsCAFile.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libboost-url1.81.0 libsimdjson14 libspdlog1.10 libfmt9 libtomlplusplus3 libdate-tz3 \
      libsqlite3-0 libsodium23 libmongoc-1.0-0 libbson-1.0-0 libcurl4 libexpat1 libssl3 \
      tzdata ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# The binary's RUNPATH points into the build tree: libduckdb.so goes where ld.so looks.
COPY --from=build /src/.deps/duckdb-1.4.4/lib/libduckdb.so /usr/local/lib/
# DuckDB's httpfs extension: the aggregation reads an S3 lake's files in place with it.
COPY --from=build /src/.deps/duckdb-1.4.4/extensions/httpfs.duckdb_extension /usr/local/lib/duckdb/extensions/
ENV TRADEAGG_DUCKDB_EXTENSIONS=/usr/local/lib/duckdb/extensions
COPY --from=build /src/build/tradeagg /usr/local/bin/
# The dashboard, the API docs and the OpenAPI document: served from <prefix>/share/tradeagg/web
# beside <prefix>/bin/tradeagg (app/config.h, DefaultWebDir), with the two packages they load.
COPY --from=build /src/web/dashboard /usr/local/share/tradeagg/web/dashboard
COPY --from=build /src/web/docs /usr/local/share/tradeagg/web/docs
COPY --from=build /src/web/openapi.json /usr/local/share/tradeagg/web/
COPY --from=build /src/web/node_modules/uplot/dist /usr/local/share/tradeagg/web/node_modules/uplot/dist
COPY --from=build /src/web/node_modules/swagger-ui-dist /usr/local/share/tradeagg/web/node_modules/swagger-ui-dist
RUN ldconfig \
 && useradd --system --user-group --uid 10001 --home-dir /var/lib/tradeagg --shell /usr/sbin/nologin tradeagg \
 && mkdir -p /var/lib/tradeagg \
 && chown tradeagg:tradeagg /var/lib/tradeagg
USER tradeagg
# Run in the (writable) data directory, so nothing relative lands in an unwritable place.
WORKDIR /var/lib/tradeagg
# Every subcommand finds the data directory, e.g.
#   docker compose exec tradeagg tradeagg sql "SELECT count(*) FROM trades"
ENV TRADEAGG_DATA_DIR=/var/lib/tradeagg
# libmongoc's diagnostic counters in /dev/shm (docs/operations.md, "Logs"): not in a container.
ENV MONGOC_DISABLE_SHM=1
EXPOSE 8080
VOLUME /var/lib/tradeagg
ENTRYPOINT ["tradeagg"]
CMD ["serve", "--data-dir", "/var/lib/tradeagg", "--listen", "0.0.0.0:8080"]
