#!/usr/bin/env bash
# Makes sure PostgreSQL and MariaDB are installed, running and configured for change data capture,
# with a test user and database in each; then prints the environment the integration tests read
# (as `export NAME=value` lines on stdout; everything else goes to stderr).
#
# Idempotent: it changes only what is missing or wrong, and restarts a server only when a setting
# that needs a restart changed. Debian 12; run as root when something must change.
#
#   scripts/test-databases.sh                  # set up, print the exports
#   scripts/test-databases.sh restart-mariadb  # shut MariaDB down cleanly and start it again (root)
#   scripts/test-databases.sh restart-postgres # the same for PostgreSQL (root)
set -euo pipefail

log() { echo "[test-databases] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
need_root() { [ "$(id -u)" -eq 0 ] || die "must run as root to $1"; }

TEST_USER=committed_test
TEST_PASSWORD=committed_test
TEST_DB=committed_test
PG_PORT=5432
MY_PORT=3306
APT_UPDATED=

apt_install() {
  need_root "install $*"
  if [ -z "$APT_UPDATED" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2
}

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq 1 "$((seconds * 5))"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  die "$what did not happen within ${seconds}s"
}

# ---------------------------------------------------------------- PostgreSQL
pg_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    log "PostgreSQL is not installed: installing it"
    apt_install postgresql
  fi
  local version conf
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  conf=/etc/postgresql/$version/main
  if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    need_root "start PostgreSQL"
    log "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
    wait_for "PostgreSQL to accept connections" 60 pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
  fi

  local wal slots senders
  wal=$(pg_admin -Atc "show wal_level")
  slots=$(pg_admin -Atc "show max_replication_slots")
  senders=$(pg_admin -Atc "show max_wal_senders")
  if [ "$wal" != "logical" ] || [ "$slots" -lt 16 ] || [ "$senders" -lt 16 ]; then
    need_root "configure PostgreSQL for logical replication"
    log "PostgreSQL has wal_level=$wal, max_replication_slots=$slots, max_wal_senders=$senders: reconfiguring"
    grep -Eq "^\s*include_dir\s*=\s*'conf.d'" "$conf/postgresql.conf" || echo "include_dir = 'conf.d'" >> "$conf/postgresql.conf"
    mkdir -p "$conf/conf.d"
    cat > "$conf/conf.d/95-committed-cdc.conf" <<CONF
# written by scripts/test-databases.sh: logical replication for Committed's integration tests
wal_level = logical
max_replication_slots = 32
max_wal_senders = 32
max_slot_wal_keep_size = 4GB
CONF
    pg_ctlcluster --skip-systemctl-redirect "$version" main restart >&2
    wait_for "PostgreSQL to accept connections after the restart" 60 pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
    [ "$(pg_admin -Atc 'show wal_level')" = "logical" ] || die "PostgreSQL still does not have wal_level=logical"
  fi

  if [ "$(pg_admin -Atc "select count(*) from pg_roles where rolname = '$TEST_USER'")" = "0" ]; then
    log "creating PostgreSQL role $TEST_USER"
    pg_admin -c "create role $TEST_USER login superuser replication password '$TEST_PASSWORD'"
  fi
  if [ "$(pg_admin -Atc "select count(*) from pg_database where datname = '$TEST_DB'")" = "0" ]; then
    log "creating PostgreSQL database $TEST_DB"
    pg_admin -c "create database $TEST_DB owner $TEST_USER"
  fi
  PGPASSWORD=$TEST_PASSWORD psql -X -h 127.0.0.1 -p "$PG_PORT" -U "$TEST_USER" -d "$TEST_DB" -Atc "select 1" >/dev/null \
    || die "cannot connect to PostgreSQL as $TEST_USER over TCP (check pg_hba.conf)"
  log "PostgreSQL $version ready: wal_level=logical, database $TEST_DB"
}

# ---------------------------------------------------------------- MariaDB
my_admin() { mariadb --protocol=socket -uroot -N -B "$@"; }

mariadb_up() { mariadb-admin --protocol=socket -uroot status; }

start_mariadb() {
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql >&2
  wait_for "MariaDB to accept connections" 60 mariadb_up
}

ensure_mariadb() {
  if ! command -v mariadbd >/dev/null; then
    log "MariaDB is not installed: installing it"
    apt_install mariadb-server
  fi
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  if ! mariadb_up >/dev/null 2>&1; then
    need_root "start MariaDB"
    log "starting MariaDB"
    start_mariadb
  fi

  local settings
  settings=$(my_admin -e "select concat_ws(' ', @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata, @@server_id > 0)")
  if [ "$settings" != "ON ROW FULL FULL 1" ]; then
    need_root "configure MariaDB's binary log"
    log "MariaDB has log_bin/format/row_image/row_metadata/server_id = $settings: reconfiguring"
    local file
    if [ -d /etc/mysql/mariadb.conf.d ]; then
      file=/etc/mysql/mariadb.conf.d/95-committed-cdc.cnf
      : > "$file"
    else
      file=/etc/mysql/my.cnf
      sed -i '/^# BEGIN committed-cdc/,/^# END committed-cdc/d' "$file"
    fi
    mkdir -p /var/log/mysql && chown mysql:mysql /var/log/mysql
    cat >> "$file" <<CONF
# BEGIN committed-cdc (written by scripts/test-databases.sh: binlog for Committed's integration tests)
[mariadbd]
server_id = 1
log_bin = /var/log/mysql/mariadb-bin
binlog_format = ROW
binlog_row_image = FULL
binlog_row_metadata = FULL
expire_logs_days = 2
# END committed-cdc
CONF
    mariadb-admin --protocol=socket -uroot shutdown >&2
    wait_for "MariaDB to stop" 60 bash -c '! pgrep -x mariadbd'
    start_mariadb
    settings=$(my_admin -e "select concat_ws(' ', @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata, @@server_id > 0)")
    [ "$settings" = "ON ROW FULL FULL 1" ] || die "MariaDB settings are still $settings after the restart"
  fi

  my_admin -e "create database if not exists $TEST_DB;
    create user if not exists '$TEST_USER'@'127.0.0.1' identified by '$TEST_PASSWORD';
    create user if not exists '$TEST_USER'@'localhost' identified by '$TEST_PASSWORD';
    grant all privileges on *.* to '$TEST_USER'@'127.0.0.1' with grant option;
    grant all privileges on *.* to '$TEST_USER'@'localhost' with grant option;
    flush privileges;"
  mariadb --protocol=tcp -h 127.0.0.1 -P "$MY_PORT" -u "$TEST_USER" -p"$TEST_PASSWORD" -N -B -e "select 1" >/dev/null \
    || die "cannot connect to MariaDB as $TEST_USER over TCP"
  log "MariaDB ready: binlog ROW/FULL/FULL, database $TEST_DB"
}

if [ "${1:-}" = "restart-mariadb" ]; then # for the tests of a server restart (TestDatabases.restartServer)
  need_root "restart MariaDB"
  log "restarting MariaDB"
  mariadb-admin --protocol=socket -uroot shutdown >&2
  wait_for "MariaDB to stop" 60 bash -c '! pgrep -x mariadbd'
  start_mariadb
  exit 0
fi

if [ "${1:-}" = "restart-postgres" ]; then
  need_root "restart PostgreSQL"
  log "restarting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main restart -m fast >&2
  wait_for "PostgreSQL to accept connections after the restart" 60 pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
  exit 0
fi

ensure_postgres
ensure_mariadb

echo "export COMMITTED_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:$PG_PORT/$TEST_DB'"
echo "export COMMITTED_TEST_POSTGRES_USER='$TEST_USER'"
echo "export COMMITTED_TEST_POSTGRES_PASSWORD='$TEST_PASSWORD'"
echo "export COMMITTED_TEST_MARIADB_URL='jdbc:mariadb://127.0.0.1:$MY_PORT/$TEST_DB'"
echo "export COMMITTED_TEST_MARIADB_USER='$TEST_USER'"
echo "export COMMITTED_TEST_MARIADB_PASSWORD='$TEST_PASSWORD'"
if [ "$(id -u)" -eq 0 ]; then
  echo "export COMMITTED_TEST_MARIADB_RESTART='$(cd "$(dirname "$0")" && pwd)/test-databases.sh restart-mariadb'"
  echo "export COMMITTED_TEST_POSTGRES_RESTART='$(cd "$(dirname "$0")" && pwd)/test-databases.sh restart-postgres'"
fi
