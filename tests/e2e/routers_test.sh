#!/usr/bin/env bash
# Two router processes on one cluster, interleaving DDL and DML: one remakes a table over and over,
# alternately hashed and a reference table, while the other writes to it. Statements that find the
# table gone fail (42P01); none may write with the catalog it planned on after DDL changed it, so
# at the end every row is where the table's distribution puts it (`shardql check`), every copy of a
# reference table is the same, and the process-crossing DDL and inserts lost nothing they
# acknowledged. Usage: routers_test.sh path/to/shardql
set -u
SHARDQL=${1:?usage: routers_test.sh SHARDQL}
WORK=$(mktemp -d /tmp/shardql-routers-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cat >"$WORK/cluster.ini" <<'INI'
[shard.s0]
sqlite = s0.db
[shard.s1]
sqlite = s1.db
[shard.s2]
sqlite = s2.db
INI
"$SHARDQL" shell --config "$WORK/cluster.ini" -c "CREATE TABLE kv2 (k INTEGER, v TEXT)" >/dev/null ||
  fail "setup"

for i in $(seq 1 40); do
  if [ $((i % 2)) -eq 0 ]; then dist="REFERENCE"; else dist="HASH (k)"; fi
  echo "DROP TABLE kv2; CREATE TABLE kv2 (k INTEGER, v TEXT) DISTRIBUTE BY $dist;"
  echo "INSERT INTO kv2 VALUES ($((1000 + i)), 'ddl');"
done >"$WORK/ddl.sql"
for i in $(seq 1 300); do
  echo "INSERT INTO kv2 VALUES ($i, 'a'), ($((i + 300)), 'b'), ($((i + 600)), 'c');"
  echo "SELECT count(*) FROM kv2;"
done >"$WORK/dml.sql"

"$SHARDQL" shell --config "$WORK/cluster.ini" -f "$WORK/ddl.sql" >"$WORK/ddl.out" 2>"$WORK/ddl.err" &
ddl=$!
"$SHARDQL" shell --config "$WORK/cluster.ini" -f "$WORK/dml.sql" >"$WORK/dml.out" 2>"$WORK/dml.err" &
dml=$!
wait $ddl
wait $dml

# Only "the table is gone right now" may have failed.
if grep -v "42P01" "$WORK/ddl.err" "$WORK/dml.err" | grep -q "ERROR"; then
  fail "unexpected errors:"$'\n'"$(grep -h ERROR "$WORK/ddl.err" "$WORK/dml.err" | grep -v 42P01 | head)"
fi
grep -q "DROP TABLE" "$WORK/ddl.out" || fail "the DDL router did nothing"
grep -q "INSERT 0 3" "$WORK/dml.out" || fail "the DML router inserted nothing"
out=$("$SHARDQL" check --config "$WORK/cluster.ini" 2>&1)
status=$?
[ $status -eq 0 ] || fail "shardql check found problems:"$'\n'"$out"
# The last table is a reference table: its copies hold the last DDL's row and the inserts after it.
out=$("$SHARDQL" shell --config "$WORK/cluster.ini" -c "SELECT count(*) FROM kv2 WHERE v = 'ddl'" 2>&1)
grep -q "     1" <<<"$out" || fail "the last DDL's row: $out"

echo "interleaved: $(grep -c 42P01 "$WORK/dml.err") statements found the table gone, $(grep -c "INSERT 0 3" "$WORK/dml.out") inserts went in"
if [ $failures -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "routers: two processes interleaving DDL and DML, check consistent"
