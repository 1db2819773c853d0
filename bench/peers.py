"""The servers we compare ourselves with, from Debian's packages, run as private instances:
configuration, queue and mail in a temporary folder, on loopback ports. The system's own
Postfix or Dovecot, if any, is neither used nor touched."""
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from mailhaven import free_port


def wait_for_greeting(port, timeout=30):
    """Waits until a server on 127.0.0.1:port accepts a connection and says something."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if s.recv(100):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"nothing answers on 127.0.0.1:{port} after {timeout} s")
        time.sleep(0.02)


def read_pid(path):
    """The pid in a daemon's pid file, or None when there is none (not started, or stopped)."""
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def stop_daemon(pid, *command, timeout=60):
    """Runs the daemon's stop command, then waits until its master process has exited, so that
    a restart does not find it still running."""
    subprocess.run(command, capture_output=True)
    deadline = time.monotonic() + timeout
    while pid and os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.02)


def package_version(package):
    result = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True)
    return result.stdout.strip() or "?"


class Postfix:
    """A private Postfix instance with Debian's main.cf and master.cf plus the given settings,
    its SMTP listener on a free loopback port."""

    def __init__(self, settings):
        self.dir = tempfile.mkdtemp(prefix="postfix-bench-")
        os.chmod(self.dir, 0o755)  # Postfix's daemons run as the postfix user
        self.conf = os.path.join(self.dir, "conf")
        os.makedirs(self.conf)
        for name in ("main.cf", "master.cf"):
            shutil.copy(os.path.join("/etc/postfix", name), self.conf)
        os.makedirs(os.path.join(self.dir, "queue"))
        os.makedirs(os.path.join(self.dir, "data"))
        shutil.chown(os.path.join(self.dir, "data"), "postfix", "postfix")
        self.port = free_port()
        self.postconf("-e", f"queue_directory={self.dir}/queue", f"data_directory={self.dir}/data",
                      "mynetworks=127.0.0.0/8", "inet_interfaces=127.0.0.1", "inet_protocols=ipv4",
                      f"maillog_file={self.dir}/maillog", f"maillog_file_prefixes={self.dir}",
                      "alias_maps=", "alias_database=", *settings)
        self.postconf("-M", f"smtp/inet=127.0.0.1:{self.port} inet n - n - - smtpd")
        # No chroot: the private queue folder has no copy of /etc for chrooted daemons.
        self.postconf("-F", "*/*/chroot = n")

    @staticmethod
    def version():
        return subprocess.run(["postconf", "-h", "mail_version"], capture_output=True, text=True).stdout.strip()

    def postconf(self, *args):
        subprocess.run(["postconf", "-c", self.conf, *args], check=True, capture_output=True)

    def start(self):
        result = subprocess.run(["postfix", "-c", self.conf, "start"], capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"postfix start failed: {result.stdout}{result.stderr}\n{open(self.dir + '/maillog').read()}")

    def master_pid(self):
        return read_pid(os.path.join(self.dir, "queue", "pid", "master.pid"))

    def stop(self):
        stop_daemon(self.master_pid(), "postfix", "-c", self.conf, "stop")

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Dovecot:
    """A private Dovecot instance: IMAP (STARTTLS, login only after TLS), IMAPS and LMTP on free
    loopback ports, virtual users from a passwd-file, Maildir under the temporary folder owned
    by the system user `vmail` (created if missing). Every durability setting is Debian's."""

    MAIL_USER = "vmail"

    def __init__(self, domain, users, password, extra=""):
        self.dir = tempfile.mkdtemp(prefix="dovecot-bench-")
        os.chmod(self.dir, 0o755)
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self.lmtp_port = free_port()
        ensure_system_user(self.MAIL_USER)
        mail = os.path.join(self.dir, "mail")
        os.makedirs(mail)
        shutil.chown(mail, self.MAIL_USER, self.MAIL_USER)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=dovecot.bench.test", "-keyout", f"{self.dir}/key.pem", "-out", f"{self.dir}/cert.pem"],
                       check=True, capture_output=True)
        hashed = subprocess.run(["doveadm", "pw", "-s", "SHA512-CRYPT", "-p", password],
                                check=True, capture_output=True, text=True).stdout.strip()
        with open(os.path.join(self.dir, "users"), "w") as f:
            f.writelines(f"{user}@{domain}:{hashed}\n" for user in users)
        self.conf = os.path.join(self.dir, "dovecot.conf")
        with open(self.conf, "w") as f:
            f.write(f"""
base_dir = {self.dir}/run
state_dir = {self.dir}/state
log_path = {self.dir}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <{self.dir}/cert.pem
ssl_key = <{self.dir}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = {self.dir}/users
}}
userdb {{
  driver = static
  args = uid={self.MAIL_USER} gid={self.MAIL_USER} home={mail}/%d/%n
}}
service imap-login {{
  inet_listener imap {{
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {self.lmtp_port}
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@{domain}
}}
{extra}
""")

    def start(self):
        # Not captured through a pipe: the daemon keeps its standard output open.
        with open(os.path.join(self.dir, "start.log"), "w+") as output:
            if subprocess.run(["dovecot", "-c", self.conf], stdout=output, stderr=output).returncode != 0:
                output.seek(0)
                sys.exit(f"dovecot start failed: {output.read()}")

    def master_pid(self):
        return read_pid(os.path.join(self.dir, "run", "master.pid"))

    def stop(self):
        stop_daemon(self.master_pid(), "doveadm", "-c", self.conf, "stop")

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def ensure_system_user(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                       check=True)
