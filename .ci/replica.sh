#!/usr/bin/env bash
# Makes a second local PostgreSQL cluster, "replica" on 127.0.0.1:5433, a streaming hot-standby replica of
# the local primary on 127.0.0.1:5432, for the read-replica tests (-Dplasma.test.databases=...,postgresql-replica).
#
# Idempotent: a replica that is already streaming is left as it is (only a replay paused by an interrupted test
# is resumed); a stopped one is started; a broken one is rebuilt with pg_createcluster + pg_basebackup.
# Run as root on a Debian machine with postgresql-15 (as CI does, after the primary answers). The primary is
# reloaded only when its pg_hba.conf lacks a trusted replication rule for 127.0.0.1, and restarted only when
# wal_level or max_wal_senders forbid streaming (not the case with PostgreSQL 15's defaults).
set -euo pipefail

PRIMARY_PORT="${PLASMA_PG_PRIMARY_PORT:-5432}"
REPLICA_PORT="${PLASMA_PG_REPLICA_PORT:-5433}"
CLUSTER=replica
WAIT_SECONDS="${PLASMA_CI_DB_WAIT_SECONDS:-60}"

log() {
	echo "[replica] $*"
}

fail() {
	echo "[replica] ERROR: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root (it creates a PostgreSQL cluster and runs pg_basebackup as user postgres)"
command -v pg_createcluster >/dev/null || fail "pg_createcluster is missing: install postgresql-common and postgresql-15"

VERSION="${PLASMA_PG_VERSION:-$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)}"
[ -n "$VERSION" ] || fail "no PostgreSQL cluster under /etc/postgresql"
DATA_DIR="/var/lib/postgresql/$VERSION/$CLUSTER"

primary() {
	psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -Atqc "$1"
}

replica() {
	psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -Atqc "$1" 2>/dev/null
}

primary 'SELECT 1' >/dev/null || fail "the primary on 127.0.0.1:$PRIMARY_PORT does not answer (start it first, as .ci/run does)"

replica_streaming() {
	[ "$(replica 'SELECT pg_is_in_recovery()')" = t ] \
		&& [ "$(replica "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'")" = 1 ]
}

# wait_for_streaming SECONDS: true once the replica is in recovery and its WAL receiver streams.
wait_for_streaming() {
	local waited=0
	until replica_streaming; do
		[ "$waited" -lt "$1" ] || return 1
		sleep 1
		waited=$((waited + 1))
	done
}

resume_replay() {
	if [ "$(replica 'SELECT pg_is_wal_replay_paused()')" = t ]; then
		log "replay was paused (an interrupted test?): resuming it"
		replica 'SELECT pg_wal_replay_resume()' >/dev/null
	fi
}

if replica_streaming; then
	resume_replay
	log "the replica on 127.0.0.1:$REPLICA_PORT is already streaming from 127.0.0.1:$PRIMARY_PORT"
	exit 0
fi

# The primary: WAL for a standby, and replication connections from 127.0.0.1 without a password.
wal_level="$(primary 'SHOW wal_level')"
senders="$(primary 'SHOW max_wal_senders')"
if [ "$wal_level" = minimal ] || [ "$senders" -lt 2 ]; then
	log "the primary has wal_level=$wal_level and max_wal_senders=$senders: setting replica and 10, restarting it"
	primary "ALTER SYSTEM SET wal_level = 'replica'" >/dev/null
	primary "ALTER SYSTEM SET max_wal_senders = 10" >/dev/null
	pg_ctlcluster --skip-systemctl-redirect "$VERSION" main restart
fi
if ! psql "host=127.0.0.1 port=$PRIMARY_PORT user=postgres replication=true" -Atqc 'IDENTIFY_SYSTEM' >/dev/null 2>&1; then
	hba="$(primary 'SHOW hba_file')"
	log "allowing trusted replication connections from 127.0.0.1 in $hba and reloading the primary"
	printf '%s\n' "# Added by .ci/replica.sh: the local streaming replica on port $REPLICA_PORT." \
		"host replication all 127.0.0.1/32 trust" >>"$hba"
	primary 'SELECT pg_reload_conf()' >/dev/null
	sleep 1
	psql "host=127.0.0.1 port=$PRIMARY_PORT user=postgres replication=true" -Atqc 'IDENTIFY_SYSTEM' >/dev/null \
		|| fail "the primary still refuses replication connections from 127.0.0.1; check $hba"
fi

# A replica cluster that exists but is stopped: start it and see whether it streams.
if pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { found = 1 } END { exit !found }'; then
	if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c && $4 == "online" { found = 1 } END { exit !found }'; then
		log "starting the existing cluster $VERSION/$CLUSTER"
		pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start || log "it did not start; rebuilding it"
	fi
	if wait_for_streaming 15; then
		resume_replay
		log "the replica on 127.0.0.1:$REPLICA_PORT is streaming"
		exit 0
	fi
	log "the cluster $VERSION/$CLUSTER does not stream: dropping and rebuilding it"
	pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" stop -m immediate 2>/dev/null || true
	pg_dropcluster "$VERSION" "$CLUSTER"
fi

log "creating cluster $VERSION/$CLUSTER on port $REPLICA_PORT"
pg_createcluster "$VERSION" "$CLUSTER" -p "$REPLICA_PORT" >/dev/null
conf="/etc/postgresql/$VERSION/$CLUSTER/postgresql.conf"
cat >>"$conf" <<EOF

# Added by .ci/replica.sh: a hot standby of 127.0.0.1:$PRIMARY_PORT.
listen_addresses = '127.0.0.1'
hot_standby = on
# Tell the primary which rows the standby's queries still read, so that long pulls are not cancelled.
hot_standby_feedback = on
EOF
# Same authentication as the primary: trust from 127.0.0.1 and the local socket.
cp "/etc/postgresql/$VERSION/main/pg_hba.conf" "/etc/postgresql/$VERSION/$CLUSTER/pg_hba.conf"
chown postgres:postgres "/etc/postgresql/$VERSION/$CLUSTER/pg_hba.conf"

log "copying the primary with pg_basebackup into $DATA_DIR"
find "$DATA_DIR" -mindepth 1 -delete
runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA_DIR" -R -X stream --checkpoint=fast \
	|| fail "pg_basebackup from 127.0.0.1:$PRIMARY_PORT failed"

log "starting the replica"
pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start
wait_for_streaming "$WAIT_SECONDS" \
	|| fail "the replica on 127.0.0.1:$REPLICA_PORT did not stream within ${WAIT_SECONDS}s; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log"
log "the replica on 127.0.0.1:$REPLICA_PORT is streaming from 127.0.0.1:$PRIMARY_PORT (pg_is_in_recovery() = t)"
