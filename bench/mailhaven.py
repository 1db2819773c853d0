"""Running the packaged distribution for the benchmarks: unpack, choose free ports, start, stop."""
import glob
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

LISTENERS = ["smtp", "smtps", "submission", "imap", "imaps", "pop3", "pop3s", "managesieve", "jmx"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_archive():
    archives = sorted(glob.glob(os.path.join(ROOT, "assembly/target/mailhaven-*.tar.gz")))
    return archives[-1] if archives else None


def free_port(address="127.0.0.1"):
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


class EmptyDns:
    """A DNS server on loopback that answers "no such domain" at once for every name: what a
    local caching resolver does for the unknown domains of a benchmark. Without it, the spam
    checks' DNS lookups (blocklist, SPF, DMARC) measure the machine's resolver instead.
    It answers from a process of its own: in the benchmark's process it would wait for the
    Python interpreter lock behind the load generator and time out the server's queries."""

    def __init__(self):
        server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        server.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{server.getsockname()[1]}"
        self.process = multiprocessing.get_context("fork").Process(target=self._serve, args=(server,), daemon=True)
        self.process.start()
        server.close()

    @staticmethod
    def _serve(server):
        while True:
            query, client = server.recvfrom(4096)
            if len(query) < 12:
                continue
            # Same id and question; QR, AA, RD copied, RA, rcode 3 (NXDOMAIN); no answers.
            flags = 0x8000 | 0x0400 | (query[2] << 8 & 0x0100) | 0x0080 | 3
            server.sendto(query[:2] + flags.to_bytes(2, "big") + query[4:6] + b"\0\0\0\0\0\0" + query[12:], client)


class Mailhaven:
    """One unpacked copy of the archive, on free loopback ports."""

    def __init__(self, archive, dns=None):
        if not archive:
            sys.exit("No archive: run 'mvn -B package -DskipTests' first or pass --archive.")
        self.archive = archive
        self.work = tempfile.mkdtemp(prefix="mailhaven-bench-")
        subprocess.run(["tar", "-xzf", archive, "-C", self.work], check=True)
        self.home = os.path.join(self.work, os.listdir(self.work)[0])
        self.ports = {name: free_port() for name in LISTENERS}
        self.env = dict(os.environ, MAILHAVEN_LISTEN_ADDRESS="127.0.0.1", MAILHAVEN_HOSTNAME="mail.bench.test")
        self.env.update({f"MAILHAVEN_{name.upper()}_PORT": str(port) for name, port in self.ports.items()})
        if dns:
            self.env["MAILHAVEN_DNS_SERVERS"] = dns
        self.pid = None

    def run(self, *args):
        return subprocess.run(list(args), cwd=self.home, env=self.env, capture_output=True, text=True, timeout=600)

    def start(self):
        """Starts it; returns (seconds bin/james start took, seconds the server reports)."""
        began = time.monotonic()
        result = self.run("bin/james", "start")
        wall = time.monotonic() - began
        if result.returncode != 0:
            sys.exit(f"bin/james start failed:\n{result.stdout}{result.stderr}")
        reported = float(re.search(r"started in ([0-9.]+) s", result.stdout).group(1))
        self.pid = int(open(os.path.join(self.home, "var/run/james.pid")).read())
        return wall, reported

    def stop(self):
        self.run("bin/james", "stop")

    def memory(self):
        fields = {}
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    fields[key] = int(value.split()[0]) / 1024
        return fields

    def remove(self):
        shutil.rmtree(self.work, ignore_errors=True)
