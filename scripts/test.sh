#!/usr/bin/env bash
# The whole test suite: unit, property and integration tests, against real PostgreSQL and MariaDB.
# Sets the databases up first (scripts/test-databases.sh; needs root the first time on a fresh
# machine), then runs `mvn verify`. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/test-databases.sh)"
exec mvn -B -ntp verify "$@"
