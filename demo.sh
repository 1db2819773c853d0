#!/usr/bin/env bash
# Builds the distribution and runs it in the foreground with a ready demo account
# (domain example.test, user demo@example.test, password printed on the console).
# The unpacked server lives in target/demo/; its data survives re-runs. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q package -DskipTests
archive=$(ls assembly/target/mailhaven-*.tar.gz)
mkdir -p target/demo
tar -xzf "$archive" -C target/demo
home=$(ls -d target/demo/mailhaven-*/ | tail -n 1)
exec "${home}bin/james" demo
