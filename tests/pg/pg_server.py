"""A private PostgreSQL 15 server for tests: its own data folder, a free port, a socket folder of
its own, TimeZone UTC and DateStyle ISO (the text forms shardql's values use), stopped on every
way out. PostgreSQL refuses to run as root, so under root it runs as the `postgres` user.

    with PostgresServer() as pg:
        pg.psql("SELECT 1")            # -> (returncode, stdout, stderr)
"""
import atexit
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BIN = "/usr/lib/postgresql/15/bin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, settings=None):
        self.settings = {"TimeZone": "UTC", "DateStyle": "ISO,YMD", "IntervalStyle": "postgres",
                         "max_prepared_transactions": "20", "listen_addresses": "''",
                         "fsync": "off"}
        self.settings.update(settings or {})
        self.folder = None
        self.port = None
        self.running = False

    @staticmethod
    def available():
        return os.path.exists(os.path.join(BIN, "initdb"))

    def _as_server_user(self, argv):
        if os.getuid() == 0:
            return ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def start(self):
        self.folder = tempfile.mkdtemp(prefix="shardql-pg-")
        atexit.register(self.stop)
        os.chmod(self.folder, 0o755)
        if os.getuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self.data = os.path.join(self.folder, "data")
        self.sockets = self.folder
        subprocess.run(self._as_server_user([f"{BIN}/initdb", "-D", self.data, "-U", "postgres",
                                             "--auth=trust", "-E", "UTF8", "--locale=C"]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.port = free_port()
        options = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        options += f" -p {self.port} -k {self.sockets}"
        subprocess.run(self._as_server_user([f"{BIN}/pg_ctl", "-D", self.data, "-w", "-t", "60",
                                             "-l", os.path.join(self.folder, "log"),
                                             "-o", options, "start"]),
                       check=True, stdout=subprocess.DEVNULL)
        self.running = True
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        return self

    def _on_signal(self, signum, _frame):
        self.stop()
        raise SystemExit(128 + signum)

    def stop(self):
        if self.running:
            self.running = False
            subprocess.run(self._as_server_user([f"{BIN}/pg_ctl", "-D", self.data, "-m", "immediate",
                                                 "-w", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def conninfo(self, dbname="postgres"):
        return f"host={self.sockets} port={self.port} user=postgres dbname={dbname}"

    def psql(self, sql, *extra):
        """Runs SQL through psql -At with verbose errors (SQLSTATE shown, as shardql shows it)."""
        env = dict(os.environ, PGOPTIONS="", PSQLRC="/dev/null")
        proc = subprocess.run(["psql", "-X", "-At", "-v", "VERBOSITY=verbose", "-h", self.sockets,
                               "-p", str(self.port), "-U", "postgres", "-d", "postgres", *extra,
                               "-c", sql],
                              capture_output=True, text=True, env=env)
        return proc.returncode, proc.stdout, proc.stderr

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
