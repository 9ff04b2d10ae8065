#!/usr/bin/env python3
"""The interactive shell on a real terminal (a pty), as a person uses it.

Ctrl-C during a statement cancels it (57014) and keeps the session and its open transaction;
Ctrl-C at the prompt drops the typed line; history reaches the file after every line, so a killed
shell loses none of it; --demo removes its folder on exit, SIGINT, SIGTERM and SIGHUP.
Usage: interactive_test.py path/to/shardql
"""
import os
import pty
import re
import select
import signal
import sys
import tempfile
import time

SHARDQL = sys.argv[1]
failures = []


def check(name, condition, detail=""):
    if not condition:
        failures.append(f"{name}: {detail}")
        print(f"FAIL: {name}: {detail}")


class Terminal:
    """A shardql shell on a pty; read() gathers what it printed."""

    def __init__(self, home):
        env = dict(os.environ, HOME=home, TERM="dumb")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(SHARDQL, [SHARDQL, "shell", "--demo"], env)
        self.seen = ""

    def read_until(self, pattern, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if re.search(pattern, self.seen):
                return True
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                self.seen += chunk.decode("utf-8", "replace")
        return bool(re.search(pattern, self.seen))

    def send(self, text):
        os.write(self.fd, text.encode())

    def mark(self):
        """Forget what was read so far, so the next read_until sees only new output."""
        self.seen = ""

    def wait(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return status
            self.read_until("$^", 0.2)  # drain, so the child never blocks on a full pty
        os.kill(self.pid, signal.SIGKILL)
        return os.waitpid(self.pid, 0)[1]


def demo_folder(text):
    match = re.search(r"SQLite shards in (\S+)", text)
    return match.group(1) if match else None


with tempfile.TemporaryDirectory() as home:
    history = os.path.join(home, ".shardql_history")

    # Ctrl-C during a statement: canceled, and the transaction it ran in is still open.
    t = Terminal(home)
    check("banner", t.read_until(r"demo=> "), t.seen)
    folder = demo_folder(t.seen)
    check("demo folder announced", folder and os.path.isdir(folder), t.seen)
    t.mark()
    t.send("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT) DISTRIBUTE BY HASH (id);\n")
    check("create", t.read_until(r"\nCREATE TABLE\s*\n"), t.seen)
    t.send("BEGIN;\n")
    check("begin", t.read_until(r"demo=\*> "), t.seen)
    t.send("INSERT INTO notes VALUES (1, 'kept');\n")
    check("insert in transaction", t.read_until(r"INSERT 0 1[\s\S]*demo=\*> "), t.seen)
    t.mark()
    t.send("SELECT count(*) FROM flights a, flights b, flights c;\n")
    time.sleep(1.5)
    t.send("\x03")
    check("ctrl-c cancels the statement",
          t.read_until(r"57014: canceling statement due to user request[\s\S]*demo=!> "), t.seen)
    t.mark()
    # psql's habit: the failed transaction is still there, and ROLLBACK ends it.
    t.send("ROLLBACK;\n")
    check("transaction survived the cancel", t.read_until(r"ROLLBACK[\s\S]*demo=> "), t.seen)
    t.send("SELECT count(*) AS left_after_rollback FROM notes;\n")
    check("rollback undid the insert", t.read_until(r"left_after_rollback\s*\n-+\s*\n\s*0\s*\n"),
          t.seen)
    t.mark()

    # Ctrl-C at the prompt drops the half-typed statement; the next one runs alone.
    t.send("SELECT 'dropped'")
    time.sleep(0.3)
    t.send("\x03")
    time.sleep(0.5)
    t.send("SELECT 'fresh' AS word;\n")
    check("ctrl-c at the prompt clears the line", t.read_until(r"fresh\s*\n\(1 row\)"), t.seen)
    check("dropped line not run", "syntax error" not in t.seen and "dropped\n(1" not in t.seen,
          t.seen)
    t.mark()

    # History is on disk after each line, before the shell ends: kill -9 loses none of it.
    t.send("SELECT 'remember me';\n")
    check("statement ran", t.read_until(r"remember me\s*\n\(1 row\)"), t.seen)
    # libedit's file format writes a space as \\040.
    saved = open(history).read().replace("\\040", " ") if os.path.exists(history) else ""
    check("history written per statement", "SELECT 'remember me';" in saved, saved)
    t.send("\\q\n")
    status = t.wait()
    check("\\q exits 0", os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status)
    check("demo folder removed on exit", folder and not os.path.exists(folder), folder)

    # SIGTERM, SIGHUP and SIGINT (between statements, not at the prompt: from outside) end the
    # shell and remove its demo folder.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        t = Terminal(home)
        check(f"{sig.name} banner", t.read_until(r"demo=> "), t.seen)
        folder = demo_folder(t.seen)
        os.kill(t.pid, sig)
        status = t.wait()
        check(f"{sig.name} ends the shell", os.WIFEXITED(status) and
              os.WEXITSTATUS(status) == 128 + sig, status)
        check(f"{sig.name} removes the demo folder", folder and not os.path.exists(folder),
              folder)

# A script on a pipe: SIGINT with nothing running ends it, and the demo folder goes too.
import subprocess  # noqa: E402

proc = subprocess.Popen([SHARDQL, "shell", "--demo"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
proc.stdin.write("SELECT 1;\n")
proc.stdin.flush()
banner = ""
deadline = time.time() + 60
while "(1 row)" not in banner and time.time() < deadline:
    line = proc.stdout.readline()
    if not line:
        break
    banner += line
# The folder the shell works in, from the shard files it holds open.
folder = None
for fd in os.listdir(f"/proc/{proc.pid}/fd"):
    try:
        target = os.readlink(f"/proc/{proc.pid}/fd/{fd}")
    except OSError:
        continue
    if target.startswith("/tmp/shardql-demo-"):
        folder = os.path.dirname(target)
check("demo folder found", folder and os.path.isdir(folder), folder)
os.kill(proc.pid, signal.SIGINT)
proc.wait(timeout=30)
check("SIGINT on a pipe exits 130", proc.returncode == 130, proc.returncode)
check("SIGINT removes the demo folder", folder and not os.path.exists(folder), folder)

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("interactive shell: all checks passed")
