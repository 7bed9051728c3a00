#!/bin/bash
# Container health probe without curl (the jlink image has none): GET /health over bash's /dev/tcp.
# Healthy only on 200, i.e. the model is loaded and the server is not draining.
exec 3<>"/dev/tcp/127.0.0.1/${MIRRORSD_SERVER_PORT:-8080}" || exit 1
printf 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
read -r -t 4 _ status _ <&3 || exit 1
[ "$status" = "200" ]
