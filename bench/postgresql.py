"""A private PostgreSQL cluster from Debian's package for Mailhaven's database option: data
directory in a temporary folder, a loopback port, the server's default settings (fsync and
synchronous commit on). The system's own clusters are neither used nor touched."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

from mailhaven import free_port

DRIVER_JAR = "/usr/share/java/postgresql.jar"  # Debian package libpostgresql-jdbc-java
PACKAGES = ["postgresql", "libpostgresql-jdbc-java"]


class PostgreSQL:
    def __init__(self, database="james", user="james", password="bench-Database-1"):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(path.split("/")[-2]))
        if not versions:
            sys.exit("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = versions[-1]
        self.version = self.bin.split("/")[-2]
        self.database, self.user, self.password = database, user, password
        self.dir = tempfile.mkdtemp(prefix="postgresql-bench-")
        os.chmod(self.dir, 0o755)  # the server runs as the postgres user
        self.data = os.path.join(self.dir, "data")
        shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()
        self._as_postgres("initdb", "-D", self.data, "-U", "postgres", "--auth-local=peer",
                          "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8")

    def _as_postgres(self, program, *args):
        result = subprocess.run(["runuser", "-u", "postgres", "--", os.path.join(self.bin, program), *args],
                                cwd=self.dir, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"{program} failed: {result.stdout}{result.stderr}")
        return result.stdout

    def start(self):
        self._as_postgres("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "server.log"), "-w", "start",
                          "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1")

    def create_database(self):
        self.sql(f"CREATE ROLE {self.user} LOGIN PASSWORD '{self.password}'")
        self.sql(f"CREATE DATABASE {self.database} OWNER {self.user}")

    def sql(self, statement):
        return self._as_postgres("psql", "-h", self.dir, "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                                 "-v", "ON_ERROR_STOP=1", "-qAtc", statement)

    def postmaster_pid(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline().strip())  # the first of several lines

    def stop(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._as_postgres("pg_ctl", "-D", self.data, "-w", "-m", "fast", "stop")

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def configure(self, mailhaven_home):
        """Points an unpacked Mailhaven at this database, as conf/james-database.properties says:
        the JDBC driver into lib/ext/, the PostgreSQL lines instead of the Derby ones."""
        shutil.copy(DRIVER_JAR, os.path.join(mailhaven_home, "lib", "ext", "postgresql.jar"))
        path = os.path.join(mailhaven_home, "conf", "james-database.properties")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        settings = {
            "database.driverClassName": "org.postgresql.Driver",
            "database.url": f"jdbc:postgresql://127.0.0.1:{self.port}/{self.database}",
            "database.username": self.user,
            "database.password": self.password,
            "vendorAdapter.database": "POSTGRESQL",
        }
        for key, value in settings.items():
            text, count = re.subn(rf"^{re.escape(key)}=.*$", f"{key}={value}", text, count=1, flags=re.M)
            if count != 1:
                sys.exit(f"{path}: no line {key}=")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
