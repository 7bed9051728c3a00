#!/bin/bash
# Runs mirror-sd on the jlink runtime. exec, so the JVM is PID 1 and gets SIGTERM itself: the server drains
# in-flight requests and exits 0. Extra JVM flags (heap size, ...) go in MIRRORSD_JAVA_OPTS.
# shellcheck disable=SC2086
exec /opt/java/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -XX:+UseParallelGC -XX:MaxRAMPercentage=75 ${MIRRORSD_JAVA_OPTS:-} \
  -cp "/app/mirror-sd.jar:/app/lib/*" org.mirrorsd.cli.Main "$@"
