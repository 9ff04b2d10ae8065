#!/usr/bin/env bash
# End-to-end test of the shell as a user runs it: -c, -f, a script on a pipe, \ commands, errors
# with their SQLSTATE and caret, exit statuses, and a cluster configuration file that survives a
# restart. Usage: shell_test.sh path/to/shardql
set -u
SHARDQL=${1:?usage: shell_test.sh SHARDQL}
WORK=$(mktemp -d /tmp/shardql-e2e-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# expect_contains NAME TEXT NEEDLE
# (A substring test, not grep: grep would take each line of a multi-line needle on its own.)
expect_contains() { [[ "$2" == *"$3"* ]] || fail "$1: expected to find [$3] in:"$'\n'"$2"; }
expect_not_contains() { [[ "$2" != *"$3"* ]] || fail "$1: did not expect [$3] in:"$'\n'"$2"; }
expect_status() { [ "$2" -eq "$3" ] || fail "$1: exit status $2, expected $3"; }

# -c runs SQL and \ commands against the demo cluster and prints psql-style tables.
out=$("$SHARDQL" shell --demo -c "SELECT order_num, customer_num FROM orders WHERE order_num = 1008" 2>&1)
expect_status "-c select" $? 0
expect_contains "-c select" "$out" " order_num | customer_num"
expect_contains "-c select" "$out" "(1 row)"
expect_contains "-c select" "$out" "      1008 |"

out=$("$SHARDQL" shell --demo -c '\d orders' 2>&1)
expect_contains "\\d orders" "$out" 'Table "orders"'
expect_contains "\\d orders" "$out" "Distribution: hash on order_num"
out=$("$SHARDQL" shell --demo -c '\d' 2>&1)
expect_contains "\\d" "$out" "List of relations"
expect_contains "\\d" "$out" "reference"

# A syntax error: SQLSTATE 42601, line and column, a caret; exit status 1; later -c not run.
out=$("$SHARDQL" shell --demo -c "SELECT * FORM orders" -c "SELECT 'not reached'" 2>&1)
expect_status "-c syntax error" $? 1
expect_contains "-c syntax error" "$out" "ERROR:  42601: syntax error at or near \"FORM\""
expect_contains "-c syntax error" "$out" "LINE 1: SELECT * FORM orders"
expect_contains "-c syntax error" "$out" "                 ^"
expect_not_contains "-c syntax error" "$out" "not reached"

# -f runs a file; statements span lines; an error is reported and the script goes on; status 1.
cat >"$WORK/script.sql" <<'SQL'
CREATE TABLE pets (id INTEGER PRIMARY KEY, name TEXT, kind TEXT) DISTRIBUTE BY HASH (id);
INSERT INTO pets VALUES (1, 'rex', 'dog'), (2, 'tom', 'cat'),
  (3, 'kit', 'cat');
SELECT kind, count(*)
  FROM pets
  GROUP BY kind
  ORDER BY kind;
SELECT nope FROM pets;
\timing on
SELECT name FROM pets WHERE id = 3;
BEGIN;
INSERT INTO pets VALUES (4, 'bo', 'dog');
CREATE TRIGGER rename AFTER INSERT ON pets BEGIN
  UPDATE pets SET kind = 'x';
END;
ROLLBACK;
SELECT count(*) AS pets_after_rollback FROM pets;
SQL
out=$("$SHARDQL" shell --demo -f "$WORK/script.sql" 2>&1)
expect_status "-f script" $? 1
expect_contains "-f script" "$out" "CREATE TABLE"
expect_contains "-f script" "$out" "INSERT 0 3"
expect_contains "-f script" "$out" " cat  |     2"
expect_contains "-f script" "$out" "ERROR:  42703: column \"nope\" does not exist"
expect_contains "-f script" "$out" "Timing is on."
expect_contains "-f script" "$out" " kit"
expect_contains "-f script" "$out" "Time: "
# A trigger body's inner ';' does not cut it: the whole CREATE TRIGGER is refused, and its END is
# not taken for a COMMIT of the open transaction.
expect_contains "-f script" "$out" "ERROR:  0A000: CREATE TRIGGER is not supported"
expect_not_contains "-f script" "$out" "syntax error"
expect_contains "-f script" "$out" "                   3"


# -f errors name the file and the line the statement ended on, as psql does.
expect_contains "-f file:line" "$out" "shardql:$WORK/script.sql:8: ERROR:  42703"
printf 'SELECT 1;\n\\bogus\n' >"$WORK/meta.sql"
out=$("$SHARDQL" shell --demo -f "$WORK/meta.sql" 2>&1)
expect_contains "-f bad meta-command" "$out" "shardql:$WORK/meta.sql:2: invalid command \\bogus"

# Output for scripts: -A (unaligned), -t (tuples only), -F (separator), --csv, \pset, \o FILE.
q="SELECT order_num, NULL AS none FROM orders WHERE order_num IN (1001, 1002) ORDER BY 1"
out=$("$SHARDQL" shell --demo -A -c "$q" 2>&1)
expect_status "-A" $? 0
expect_contains "-A" "$out" $'order_num|none\n1001|\n1002|\n(2 rows)'
out=$("$SHARDQL" shell --demo -A -t -F ';' -c "$q" 2>&1)
[ "$out" = $'1001;\n1002;' ] || fail "-A -t -F: got [$out]"
out=$("$SHARDQL" shell --demo --csv -c "SELECT 'a,b' AS x, NULL AS y, 'say \"hi\"' AS z" 2>&1)
[ "$out" = $'x,y,z\n"a,b",,"say ""hi"""' ] || fail "--csv: got [$out]"
out=$(printf '\\pset format csv\nSELECT 1 AS one;\n\\o %s\nSELECT 2 AS two;\n\\o\nSELECT 3 AS three;\n' \
  "$WORK/o.txt" | "$SHARDQL" shell --demo 2>&1)
expect_contains "\\pset format csv" "$out" $'one\n1'
expect_contains "\\o back to stdout" "$out" $'three\n3'
expect_not_contains "\\o FILE" "$out" "two"
[ "$(cat "$WORK/o.txt")" = $'two\n2' ] || fail "\\o FILE: got [$(cat "$WORK/o.txt")]"

# \copy: CSV with a header, quoted separators, quotes and newlines, and empty fields as NULL; out
# again in CSV and in COPY's text format; a bad row refuses the whole load, naming its line.
printf 'id,name,note\n1,alice,"two\nlines"\n2,bob,\n3,"c,d","q""uote"\n' >"$WORK/in.csv"
cat >"$WORK/copy.sql" <<SQL
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, note TEXT) DISTRIBUTE BY HASH (id);
\\copy people FROM '$WORK/in.csv' WITH (FORMAT csv, HEADER)
SELECT id, name, note IS NULL AS no_note, length(note) AS len FROM people ORDER BY id;
\\copy people TO '$WORK/out.csv' WITH (FORMAT csv, HEADER)
\\copy people (id, name) TO '$WORK/out.txt'
SQL
out=$("$SHARDQL" shell --demo -A -f "$WORK/copy.sql" 2>&1)
expect_status "\\copy" $? 0
expect_contains "\\copy from" "$out" "COPY 3"
expect_contains "\\copy from" "$out" $'1|alice|0|9\n2|bob|1|\n3|c,d|0|6'
expect_contains "\\copy to csv" "$(cat "$WORK/out.csv")" $'1,alice,"two\nlines"'
expect_contains "\\copy to csv" "$(cat "$WORK/out.csv")" '3,"c,d","q""uote"'
# (Rows come back in the order the shards answer: look for whole lines.)
grep -qx '2,bob,' "$WORK/out.csv" || fail "\\copy to csv: no line 2,bob, in $(cat "$WORK/out.csv")"
[ "$(head -1 "$WORK/out.csv")" = "id,name,note" ] || fail "\\copy to csv header: $(head -1 "$WORK/out.csv")"
[ "$(sort "$WORK/out.txt")" = $'1\talice\n2\tbob\n3\tc,d' ] || fail "\\copy to text: got [$(cat "$WORK/out.txt")]"
printf '10,ten,\n11,eleven,x,extra\n' >"$WORK/bad.csv"
cat >"$WORK/badcopy.sql" <<SQL
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, note TEXT) DISTRIBUTE BY HASH (id);
\\copy people FROM '$WORK/bad.csv' (FORMAT csv)
SELECT count(*) AS loaded FROM people;
SQL
out=$("$SHARDQL" shell --demo -A -f "$WORK/badcopy.sql" 2>&1)
expect_status "\\copy bad row" $? 1
expect_contains "\\copy bad row" "$out" "22P04"
expect_contains "\\copy bad row" "$out" "line 2"
expect_contains "\\copy bad row loads nothing" "$out" $'loaded\n0'

# A script on a pipe (stdin not a terminal): no prompt, same output.
out=$(printf 'SELECT 40 + 2 AS answer;\n' | "$SHARDQL" shell --demo 2>&1)
expect_status "pipe" $? 0
expect_contains "pipe" "$out" "     42"
expect_not_contains "pipe" "$out" "demo=>"

# A configuration file: the catalog survives a restart, data lives in the shard files (their folder
# is made for a new cluster).
cat >"$WORK/cluster.ini" <<'INI'
catalog = catalog.db
[shard.a]
sqlite = data/a.db
[shard.b]
sqlite = data/b.db
INI
"$SHARDQL" shell --config "$WORK/cluster.ini" -c "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER) DISTRIBUTE BY HASH (k)" \
  -c "INSERT INTO kv VALUES ('x', 1), ('y', 2), ('z', 3)" >/dev/null 2>&1
expect_status "config create" $? 0
out=$("$SHARDQL" shell --config "$WORK/cluster.ini" -c "SELECT sum(v) FROM kv" -c '\d kv' 2>&1)
expect_status "config restart" $? 0
expect_contains "config restart" "$out" "   6"
expect_contains "config restart" "$out" "a: sqlite:"

# Bad configuration: a clear error, no crash.
printf '[shard.a]\npostgres = x\n' >"$WORK/bad.ini"
out=$("$SHARDQL" shell --config "$WORK/bad.ini" -c "SELECT 1" 2>&1)
expect_status "bad config" $? 2
expect_contains "bad config" "$out" "F0000"
out=$("$SHARDQL" shell --config "$WORK/missing.ini" -c "SELECT 1" 2>&1)
expect_status "missing config" $? 2
expect_contains "missing config" "$out" "cannot be read"

# A shard whose file vanished after it got tables is refused at startup, naming the shard: SQLite
# would otherwise create it empty and the cluster would answer without its rows.
cat >"$WORK/dead.ini" <<'INI'
catalog = dead-catalog.db
[shard.good]
sqlite = dead/good.db
[shard.gone]
sqlite = dead/gone.db
INI
"$SHARDQL" shell --config "$WORK/dead.ini" -c "CREATE TABLE t (k INTEGER PRIMARY KEY)" >/dev/null 2>&1
expect_status "dead shard setup" $? 0
rm "$WORK/dead/gone.db"
out=$("$SHARDQL" shell --config "$WORK/dead.ini" -c "SELECT count(*) FROM t" 2>&1)
expect_status "dead shard" $? 2
expect_contains "dead shard" "$out" "(shard gone)"
expect_contains "dead shard" "$out" "does not exist, but the catalog places tables on this shard"
expect_not_contains "dead shard recreated" "$(ls "$WORK/dead")" "gone.db"

# A shard that cannot be opened at all (its path is a folder): a clear error naming it.
mkdir -p "$WORK/folder.db"
printf '[shard.f]\nsqlite = folder.db\n' >"$WORK/folder.ini"
out=$("$SHARDQL" shell --config "$WORK/folder.ini" -c "SELECT 1" 2>&1)
expect_status "unopenable shard" $? 2
expect_contains "unopenable shard" "$out" "(shard f)"

# PREPARE / EXECUTE / DEALLOCATE, as in psql against PostgreSQL.
out=$("$SHARDQL" shell --demo -c "PREPARE q (int) AS SELECT customer_num FROM orders WHERE order_num = \$1" \
  -c "EXECUTE q(1008)" -c "DEALLOCATE q" -c "EXECUTE q(1008)" 2>&1)
expect_contains "prepare" "$out" "PREPARE"
expect_contains "execute" "$out" "          111"
expect_contains "deallocate" "$out" "DEALLOCATE"
expect_contains "execute after deallocate" "$out" 'ERROR:  26000: prepared statement "q" does not exist'

# Ctrl-C while a statement runs cancels it, as psql does, and the script goes on; a statement
# timeout cancels with PostgreSQL's message too.
{
  echo "SELECT 'started' AS s;"
  echo "SELECT count(*) FROM flights a, flights b, flights c;"
  echo "SELECT 'after the cancel' AS s;"
  echo "SET statement_timeout = '300ms';"
  echo "SELECT count(*) FROM flights a, flights b, flights c;"
  echo "SELECT 'after the timeout' AS s;"
} >"$WORK/long.sql"
"$SHARDQL" shell --demo -f "$WORK/long.sql" >"$WORK/long.out" 2>&1 &
shell_pid=$!
for _ in $(seq 1 120); do
  grep -q started "$WORK/long.out" && break
  sleep 0.5
done
sleep 1
kill -INT "$shell_pid"
wait "$shell_pid"
out=$(cat "$WORK/long.out")
expect_contains "ctrl-c" "$out" "ERROR:  57014: canceling statement due to user request"
expect_contains "ctrl-c" "$out" "after the cancel"
expect_contains "statement timeout" "$out" "ERROR:  57014: canceling statement due to statement timeout"
expect_contains "statement timeout" "$out" "after the timeout"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "shell end-to-end: all checks passed"
