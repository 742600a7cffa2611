#!/usr/bin/env bash
# Installs Apache Iceberg's REST catalog test fixture (org.apache.iceberg.rest.RESTCatalogServer,
# a JdbcCatalog behind the REST protocol; Apache-2.0), pinned, for the tests of the REST catalog
# client, and prints the directory of its jars: java -cp "<dir>/*" org.apache.iceberg.rest.RESTCatalogServer.
# Cached outside the clone, keyed by version, so a fresh clone on the same machine does not fetch
# it again (54 MB in 85 jars; about 25 s cold, seconds with a warm ~/.m2).
#
# Upstream ships the server only as a Docker image; its jar's pom lists no dependencies, so the
# runtime class path is declared here. The versions are the ones Iceberg 1.10.0 was built with
# (gradle/libs.versions.toml at apache-iceberg-1.10.0): AWS SDK 2.33.0, Jetty 11.0.26, Hadoop
# 3.4.1, sqlite-jdbc 3.50.3.0. What the server needs beyond its declared parts was found by
# running it against SeaweedFS with S3FileIO:
#   - iceberg-core's tests jar: RESTCatalogAdapter and RESTCatalogServlet live there;
#   - the AWS SDK's s3, kms and sts modules (S3FileIO's settings load KMS and STS model classes
#     at start), not the whole-SDK `bundle` jar: hundreds of megabytes of services never loaded;
#   - of hadoop-common only Configuration (the server passes one to the catalog), which needs
#     woodstox, stax2 and commons-collections: everything else Hadoop drags in is excluded.
set -euo pipefail
version=1.10.0
home="${TRADEAGG_CACHE:-$HOME/.cache/tradeagg}/iceberg-rest-fixture-$version"
lib="$home/lib"
marker="$home/complete"  # written last: a lib/ without it is an interrupted install
if [ -f "$marker" ]; then echo "$lib"; exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One <dependency>: group artifact version [classifier]; no version: the AWS SDK BOM's.
dependency() {
  printf '    <dependency><groupId>%s</groupId><artifactId>%s</artifactId>' "$1" "$2"
  [ -n "${3:-}" ] && printf '<version>%s</version>' "$3"
  [ -n "${4:-}" ] && printf '<classifier>%s</classifier>' "$4"
  printf '%s</dependency>\n' "${5:-}"
}
{
  cat <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>tradeagg.test</groupId>
  <artifactId>iceberg-rest-fixture</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencyManagement><dependencies>
    <dependency><groupId>software.amazon.awssdk</groupId><artifactId>bom</artifactId><version>2.33.0</version>
      <type>pom</type><scope>import</scope></dependency>
  </dependencies></dependencyManagement>
  <dependencies>
EOF
  dependency org.apache.iceberg iceberg-open-api "$version" test-fixtures
  dependency org.apache.iceberg iceberg-core "$version"
  dependency org.apache.iceberg iceberg-core "$version" tests
  dependency org.apache.iceberg iceberg-aws "$version"
  dependency software.amazon.awssdk s3
  dependency software.amazon.awssdk kms
  dependency software.amazon.awssdk sts
  dependency org.eclipse.jetty jetty-server 11.0.26
  dependency org.eclipse.jetty jetty-servlet 11.0.26
  dependency org.xerial sqlite-jdbc 3.50.3.0
  dependency org.slf4j slf4j-simple 2.0.17  # the server's log (else SLF4J's no-op)
  dependency org.apache.hadoop hadoop-common 3.4.1 "" \
    '<exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>'
  dependency com.fasterxml.woodstox woodstox-core 5.4.0
  dependency org.codehaus.woodstox stax2-api 4.2.1
  dependency commons-collections commons-collections 3.2.2
  printf '  </dependencies>\n</project>\n'
} >"$tmp/pom.xml"

# -C: a jar whose checksum does not match Maven Central's fails the install. mvn -q still prints
# terminal resets: keep its output for when it fails.
mvn -q -B -C -f "$tmp/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory="$tmp/lib" >"$tmp/mvn.log" 2>&1 || { cat "$tmp/mvn.log" >&2; exit 1; }
rm -rf "$lib"
mkdir -p "$home"
mv "$tmp/lib" "$lib"
touch "$marker"
echo "$lib"
