#!/usr/bin/env python3
"""Local delivery: Mailhaven next to Postfix + Dovecot from Debian, same workload, same run.

For each system in turn, on this machine, on loopback ports:

  - Mailhaven: the archive unpacked and started with bin/james and its shipped configuration
    (archive, spam checks, Sieve, delivery: the whole pipeline); domain and users added with
    bin/james-cli;
  - Postfix + Dovecot: private instances of Debian's packages (installed with apt-get when
    missing), virtual domain bench.test, Postfix hands mail over LMTP to Dovecot, which stores
    it in Maildir; Debian's settings otherwise (fsync on, as shipped);

the same workload: USERS users with the same password, MESSAGES messages over SMTP (port 25
for Mailhaven, Postfix's smtpd for the peer) from SESSIONS concurrent sessions, sizes cycling
through 2, 6, 20 and 60 KiB, each to one recipient drawn at random (same seed for both).
An IMAP watcher (one STARTTLS session per user, waiting in IDLE as mail clients do) notes
when each message becomes visible. Measured:

  - first start (empty data) and restart (after a clean stop): from the start command until
    SMTP and IMAP answer; the workload then runs against the restarted system;
  - accepted/s: messages / time from the first connection to the last 250 after DATA;
  - delivered/s: messages / time from the first connection until every one is visible over IMAP;
  - p50/p99 of the time from a message's 250 to its first sighting over IMAP;
  - peak resident memory: the largest sum of proportional set sizes (shared pages counted
    once) over all of the system's processes, sampled every 100 ms (for Mailhaven also the
    JVM's own VmHWM, whichever is larger);
  - resident memory after the run.

With --postgresql, Mailhaven is measured a second time with its database on a private
PostgreSQL cluster (Debian's package, default settings: fsync and synchronous commit on)
instead of the embedded Derby, configured as conf/james-database.properties documents it.

Prints one table with every system and the ratios to Postfix + Dovecot, and writes it to
--output.

The spam checks ask DNS; Mailhaven is pointed at a loopback DNS server that answers "no such
domain" at once (what a local caching resolver does for the made-up domains of a benchmark).

Needs root (apt-get, private Postfix, Dovecot and PostgreSQL), python3, openssl, and the archive
(mvn -B package -DskipTests).

Usage: bench/compare.py [--messages N] [--users N] [--sessions N] [--output FILE]
                        [--only mailhaven|peer] [--postgresql] [--keep] [--archive PATH]
"""
import argparse
import concurrent.futures
import datetime
import imaplib
import os
import random
import re
import shutil
import smtplib
import ssl
import subprocess
import sys
import threading
import time

import postgresql
from mailhaven import EmptyDns, Mailhaven, default_archive
from peers import Dovecot, Postfix, package_version, wait_for_greeting

DOMAIN = "bench.test"
PASSWORD = "bench-Password-1"
SIZES_KIB = [2, 6, 20, 60]
PACKAGES = ["postfix", "dovecot-core", "dovecot-imapd", "dovecot-lmtpd", "openssl"]


def message(index, recipient, size_kib):
    line = "The quick brown fox jumps over the lazy dog 0123456789.\r\n"
    body = line * (size_kib * 1024 // len(line) + 1)
    return (f"From: sender@remote.test\r\nTo: {recipient}\r\nSubject: bench {index}\r\n"
            f"Message-ID: <bench-{index}@remote.test>\r\n\r\n{body}").encode()


class Workload:
    def __init__(self, messages, users, sessions, seed=7):
        chooser = random.Random(seed)
        self.users = [f"user{u}" for u in range(users)]
        self.recipients = [f"{chooser.choice(self.users)}@{DOMAIN}" for _ in range(messages)]
        self.sessions = sessions

    def send(self, port, acknowledged):
        """Sends every message from `sessions` concurrent SMTP sessions; fills acknowledged[index]
        with the monotonic time of the 250 after DATA."""
        def session(first):
            with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
                smtp.ehlo("client.remote.test")
                for i in range(first, len(self.recipients), self.sessions):
                    recipient = self.recipients[i]
                    smtp.sendmail("sender@remote.test", [recipient], message(i, recipient, SIZES_KIB[i % len(SIZES_KIB)]))
                    acknowledged[i] = time.monotonic()

        with concurrent.futures.ThreadPoolExecutor(self.sessions) as pool:
            list(pool.map(session, range(self.sessions)))


class Watcher:
    """Notes when each bench message is first seen over IMAP: one session per user that waits in
    IDLE (RFC 2177) as mail clients do, fetches the Message-ID of whatever arrived, and idles
    again. A session that has heard nothing for a few seconds fetches anyway, so a missed
    notification costs at most that much."""

    ID = re.compile(rb"<bench-(\d+)@remote\.test>")
    EXISTS = re.compile(rb"\* (\d+) EXISTS")
    QUIET = 3.0

    def __init__(self, port, users):
        self.port = port
        self.seen = {}
        self.reconnects = 0
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._watch, args=(user,), daemon=True) for user in users]
        self.ready = threading.Barrier(len(users) + 1)

    def start(self):
        for thread in self.threads:
            thread.start()
        self.ready.wait(120)

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(30)

    def _connect(self, user):
        """Returns an IMAP session on the user's INBOX and the number of messages in it."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        imap.starttls(ssl_context=context)
        imap.file = LineReader(imap.sock)
        imap.login(f"{user}@{DOMAIN}", PASSWORD)
        status, data = imap.select("INBOX", readonly=True)
        if status != "OK":
            raise imaplib.IMAP4.error(str(data))
        return imap, int(data[0])

    def _watch(self, user):
        imap = None
        try:
            imap, exists = self._connect(user)
        finally:
            self.ready.wait(120)
        fetched = 0
        while not self.stopping.is_set():
            try:
                if imap is None:
                    imap, exists = self._connect(user)
                    fetched = 0
                if exists > fetched:
                    # Sequence numbers, not "UID n:*": nothing is expunged here, and James 3.8.1
                    # answers BAD to a UID range above its last message (JAMES-4088 family).
                    self._fetch(imap, f"{fetched + 1}:{exists}")
                    fetched = exists
                exists = max(exists, self._announced(imap) or self._idle(imap) or self._poll(imap))
            except (imaplib.IMAP4.error, OSError, AttributeError, ValueError):
                # A dropped or confused session is opened again, as a mail client would.
                self.reconnects += 1
                imap = None
        if imap is not None:
            try:
                imap.logout()
            except (imaplib.IMAP4.error, OSError):
                pass

    def _fetch(self, imap, messages):
        status, data = imap.fetch(messages, "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        now = time.monotonic()
        if status != "OK":
            raise imaplib.IMAP4.error(str(data))
        for item in data:
            found = self.ID.search(item[1]) if isinstance(item, tuple) else None
            if found:
                self.seen.setdefault(int(found.group(1)), now)

    @staticmethod
    def _announced(imap):
        """The message count the server announced during the last command, if it did."""
        counts = imap.untagged_responses.pop("EXISTS", None)
        return int(counts[-1]) if counts else 0

    def _poll(self, imap):
        imap.noop()
        return self._announced(imap)

    def _idle(self, imap):
        """Waits in IDLE; returns the message count the server announced, or 0 after QUIET
        seconds of silence or when stopping."""
        tag = imap._new_tag()
        imap.send(tag + b" IDLE\r\n")
        if not imap.readline().startswith(b"+"):
            raise imaplib.IMAP4.error("IDLE refused")
        imap.sock.settimeout(0.5)
        quiet_until = time.monotonic() + self.QUIET
        announced = 0
        try:
            while not announced and time.monotonic() < quiet_until and not self.stopping.is_set():
                try:
                    line = imap.readline()
                except TimeoutError:
                    continue
                if not line:
                    raise OSError("connection closed")
                found = self.EXISTS.match(line)
                if found:
                    announced = int(found.group(1))
        finally:
            imap.sock.settimeout(30)
        imap.send(b"DONE\r\n")
        while True:
            line = imap.readline()
            if not line:
                raise OSError("connection closed")
            found = self.EXISTS.match(line)
            if found:
                announced = max(announced, int(found.group(1)))
            if line.startswith(tag):
                return announced


class LineReader:
    """What imaplib reads the server's answers through, in place of socket.makefile(): a read
    that times out keeps what it already received, so IDLE can wait with a timeout."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def readline(self, limit=-1):
        while b"\n" not in self.buffer:
            if not self._receive():
                break
        end = self.buffer.find(b"\n") + 1 or len(self.buffer)
        line, self.buffer = self.buffer[:end], self.buffer[end:]
        return line

    def read(self, size):
        while len(self.buffer) < size and self._receive():
            pass
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _receive(self):
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def close(self):
        pass


class MemorySampler:
    """Largest sum of resident memory over a set of process trees, sampled every 100 ms."""

    def __init__(self, roots):
        self.roots = roots
        self.peak = 0.0
        self.last = 0.0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.thread.join()

    def _sample(self):
        while not self.stopping.is_set():
            self.last = resident_mb(self.roots())
            self.peak = max(self.peak, self.last)
            time.sleep(0.1)


def resident_mb(roots):
    """Resident memory of the given processes and all their descendants, in MB: the sum of their
    proportional set sizes (Pss), so that pages shared between processes (libraries, Postfix's
    and Dovecot's many small daemons) count once, not once per process."""
    children = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(pid))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, list(roots)
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Run:
    """One system under the workload; fills in the measured figures."""

    def __init__(self, name):
        self.name = name
        self.figures = {}

    def measure(self, workload, smtp_port, imap_port, roots, peak_extra=lambda: 0.0):
        count = len(workload.recipients)
        acknowledged = [None] * count
        watcher = Watcher(imap_port, workload.users)
        watcher.start()  # returns once every session is logged in
        sampler = MemorySampler(roots)
        sampler.start()
        began = time.monotonic()
        workload.send(smtp_port, acknowledged)
        accepted = max(acknowledged) - began
        deadline = time.monotonic() + 1800
        while len(watcher.seen) < count:
            if time.monotonic() > deadline:
                sys.exit(f"{self.name}: {len(watcher.seen)} of {count} messages visible after 30 minutes")
            time.sleep(0.05)
        delivered = max(watcher.seen.values()) - began
        watcher.stop()
        time.sleep(0.3)
        sampler.stop()
        latencies = sorted(watcher.seen[i] - acknowledged[i] for i in range(count))
        self.figures.update({
            "accepted/s": count / accepted,
            "delivered/s": count / delivered,
            "250 to visible p50 (ms)": 1000 * latencies[count // 2],
            "250 to visible p99 (ms)": 1000 * latencies[min(count - 1, count * 99 // 100)],
            "peak RSS (MB)": max(sampler.peak, peak_extra()),
            "RSS after run (MB)": sampler.last,
        })
        print(f"  {self.name}: accepted in {accepted:.1f} s, all visible after {delivered:.1f} s"
              f" ({watcher.reconnects} IMAP reconnects)", flush=True)


def run_mailhaven(args, workload, database=None):
    """Our archive with its shipped configuration; with database, on that PostgreSQL cluster
    instead of the embedded Derby (conf/james-database.properties, driver in lib/ext/)."""
    server = Mailhaven(args.archive, EmptyDns().address)
    # The watcher keeps one IMAP session per user, all from 127.0.0.1: more than the shipped
    # imap.connections.per.client (20) allows one address.
    server.env["MAILHAVEN_IMAP_CONNECTIONS_PER_CLIENT"] = str(len(workload.users) + 10)
    name = f"Mailhaven {version_of(args.archive)}"
    if database:
        database.start()
        database.create_database()
        database.configure(server.home)
        name += f" + PostgreSQL {database.version}"
    run = Run(name)
    try:
        run.figures["first start (s)"] = timed(server.start)
        server.run("bin/james-cli", "AddDomain", DOMAIN)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            for result in pool.map(lambda u: server.run("bin/james-cli", "AddUser", f"{u}@{DOMAIN}", PASSWORD),
                                   workload.users):
                if result.returncode != 0:
                    sys.exit(f"AddUser failed: {result.stdout}{result.stderr}")
        # The clean stop writes the JVM's class archive (bin/james, var/cds/): the restart is
        # what an administrator sees after a configuration change, an update of the OS, a crash.
        server.stop()
        run.figures["restart (s)"] = timed(server.start)
        roots = [server.pid] + ([database.postmaster_pid()] if database else [])
        run.measure(workload, server.ports["smtp"], server.ports["imap"], lambda: roots,
                    lambda: server.memory()["VmHWM"])
    finally:
        server.stop()
        if database:
            database.stop()
        if args.keep:
            print(f"  kept {server.home}" + (f" and {database.dir}" if database else ""))
        else:
            server.remove()
            if database:
                database.remove()
    return run


def run_peer(args, workload):
    install(PACKAGES)
    dovecot = Dovecot(DOMAIN, workload.users, PASSWORD)
    postfix = Postfix(["myhostname=postfix.bench.test", "mydestination=", f"virtual_mailbox_domains={DOMAIN}",
                       f"virtual_mailbox_maps=texthash:{dovecot.dir}/mailboxes",
                       f"virtual_transport=lmtp:inet:127.0.0.1:{dovecot.lmtp_port}"])
    with open(f"{dovecot.dir}/mailboxes", "w") as f:
        f.writelines(f"{u}@{DOMAIN} OK\n" for u in workload.users)
    run = Run(f"Postfix {Postfix.version()} + Dovecot {package_version('dovecot-core').split(':')[-1].split('+')[0]}")

    def start():
        dovecot.start()
        postfix.start()
        wait_for_greeting(postfix.port)
        wait_for_greeting(dovecot.imap_port)

    try:
        run.figures["first start (s)"] = timed(start)
        postfix.stop()
        dovecot.stop()
        run.figures["restart (s)"] = timed(start)
        run.measure(workload, postfix.port, dovecot.imap_port, lambda: [postfix.master_pid(), dovecot.master_pid()])
    finally:
        postfix.stop()
        dovecot.stop()
        if args.keep:
            print(f"  kept {postfix.dir} and {dovecot.dir}")
        else:
            postfix.remove()
            dovecot.remove()
    return run


def timed(action):
    began = time.monotonic()
    action()
    return time.monotonic() - began


def install(packages):
    missing = [p for p in packages
               if subprocess.run(["dpkg-query", "-W", "-f", "${Status}", p], capture_output=True, text=True).stdout
               != "install ok installed"]
    if missing:
        print(f"installing {' '.join(missing)} with apt-get", flush=True)
        environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=environment,
                       stdout=subprocess.DEVNULL)


def version_of(archive):
    found = re.search(r"mailhaven-(.+)\.tar\.gz$", os.path.basename(archive or ""))
    return found.group(1) if found else "?"


ROWS = [("first start (s)", "{:.1f}"), ("restart (s)", "{:.1f}"), ("accepted/s", "{:.0f}"),
        ("delivered/s", "{:.0f}"), ("250 to visible p50 (ms)", "{:.0f}"), ("250 to visible p99 (ms)", "{:.0f}"),
        ("peak RSS (MB)", "{:.0f}"), ("RSS after run (MB)", "{:.0f}")]


def table(args, runs, peer):
    """One column per system; when the peer ran, one ratio column per Mailhaven column."""
    lines = [f"Local delivery benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs,"
             f" {os.uname().release}",
             f"{args.messages} messages, {args.users} users, {args.sessions} SMTP sessions,"
             f" {'/'.join(map(str, SIZES_KIB))} KiB, random recipients", ""]
    ours = [run for run in runs if run is not peer]
    width = max(len(run.name) for run in runs) + 3
    header = f"{'':<26}" + "".join(f"{run.name:>{width}}" for run in runs)
    if peer:
        header += "".join(f"{'ratio ' + str(i + 1):>10}" for i in range(len(ours)))
    lines.append(header)
    for key, form in ROWS:
        values = [run.figures.get(key) for run in runs]
        line = f"{key:<26}" + "".join(f"{form.format(v) if v is not None else '-':>{width}}" for v in values)
        if peer:
            line += "".join(f"{run.figures[key] / peer.figures[key]:>9.2f}x" for run in ours)
        lines.append(line)
    lines.append("")
    if peer:
        lines.append("ratio N = column N / " + peer.name + ".")
    lines.append("restart: after a clean stop (Mailhaven then maps the class archive that stop wrote).")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", default=default_archive())
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--output", default="benchmark-local-delivery.txt", help="file the table is written to")
    parser.add_argument("--only", choices=["mailhaven", "peer"], help="measure one system only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (logs, mail)")
    parser.add_argument("--postgresql", action="store_true",
                        help="also measure Mailhaven on a PostgreSQL cluster (Debian's package) instead of Derby")
    args = parser.parse_args()
    if os.geteuid() != 0 and (args.only != "mailhaven" or args.postgresql):
        sys.exit("run as root: Postfix, Dovecot and PostgreSQL are installed with apt-get and run as private instances")
    if not shutil.which("openssl"):
        install(["openssl"])
    workload = Workload(args.messages, args.users, args.sessions)
    runs = []
    if args.only != "peer":
        print("Mailhaven ...", flush=True)
        runs.append(run_mailhaven(args, workload))
        if args.postgresql:
            install(postgresql.PACKAGES)
            print("Mailhaven with PostgreSQL ...", flush=True)
            runs.append(run_mailhaven(args, workload, postgresql.PostgreSQL()))
    peer = None
    if args.only != "mailhaven":
        print("Postfix + Dovecot ...", flush=True)
        peer = run_peer(args, workload)
        runs.append(peer)
    text = table(args, runs, peer)
    print()
    print(text, end="")
    with open(args.output, "w") as f:
        f.write(text)
    print(f"written to {os.path.abspath(args.output)}")


if __name__ == "__main__":
    main()
