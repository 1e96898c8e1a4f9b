# Tokensmith in a container: built with Maven on a JDK 17, run on a JRE 17 as a non-root user.
#
#   docker build -t tokensmith .
#   docker run --read-only --tmpfs /tmp -v tokensmith-data:/data -p 8080:8080 tokensmith
#
# Root file system read-only friendly: everything Tokensmith writes goes to the /data volume (the
# embedded database and generated keys; nothing at all with PostgreSQL and inline keys) or /tmp.
# Not built by the project's CI (it has no Docker): see the README, "Packaging".

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, in a layer of their own that a source change does not invalidate.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
COPY docs ./docs
COPY packaging ./packaging
COPY README.md ./
RUN mvn -B -q package -DskipTests \
 && mkdir /dist \
 && tar -xzf target/tokensmith-*.tar.gz -C /dist --strip-components=1

FROM eclipse-temurin:17-jre
# A user of its own (no login, no home of its own); /data belongs to it alone.
RUN groupadd --system --gid 10001 tokensmith \
 && useradd --system --uid 10001 --gid tokensmith --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin tokensmith \
 && mkdir /data \
 && chown tokensmith:tokensmith /data \
 && chmod 0700 /data
COPY --from=build /dist /opt/tokensmith
ENV PATH=/opt/tokensmith/bin:$PATH \
    TOKENSMITH_DATA_DIR=/data \
    TOKENSMITH_PORT=8080 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# /healthz through bash's /dev/tcp: no curl needed in the image, no second JVM every 10 s.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${TOKENSMITH_PORT:-8080} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# SIGTERM (docker stop) stops it cleanly; give it the drain delay plus the shutdown time
# (docker stop -t 35, stop_grace_period in compose).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/tokensmith/bin/tokensmith"]
