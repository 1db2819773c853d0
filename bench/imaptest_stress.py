#!/usr/bin/env python3
"""IMAP under concurrent load: Dovecot's own tester, imaptest, against Mailhaven and against a
private Dovecot 2.3 from Debian, same machine, same run.

imaptest is in no package registry; give it the path of its public source (a checkout or an
export of https://github.com/dovecot/imaptest). Commit 924f619 (2022-03-09) is the last one
written for Dovecot 2.3's API (later ones use 2.4's str_begins and SSL calls); Debian's
dovecot-dev 2.3.19 headers also want imap_parser_create's params argument, which the build adds
(NULL, the default). The script builds it once into --build (default /var/tmp/imaptest-build)
with autotools against /usr/lib/dovecot, installing what that needs with apt-get.

Scenarios (imaptest's default stress mix: each client connects, logs in, selects, then FETCH,
STORE, EXPUNGE, APPEND... at imaptest's probabilities, and logs out; over IMAPS):

  - 10 clients on one user's INBOX,
  - 50 clients on one user's INBOX,
  - 16 clients over 8 users,

each for --secs seconds (default 30) on a fresh system. Both systems allow 100 connections per
client address and user for the run (Mailhaven's imap.connections.per.client is 20 by default,
Dovecot's mail_max_userip_connections 10), so that the 50 clients get in. For each: commands per
second (the sum of imaptest's per-command totals over the run), imaptest's errors and stalls, the
slowest of the per-command average latencies it prints every 10 s, and for Mailhaven the ERROR
lines james.log gained.

Then, without imaptest, two users working at once, each on its own INBOX over one connection
(APPEND, STORE +FLAGS Deleted, EXPUNGE in a loop for 15 s): the cycles done and the slowest single
command, which shows whether one user waits for the other.

Needs root (apt-get, the private Dovecot), openssl, the archive (mvn -B package -DskipTests).

Usage: sudo bench/imaptest_stress.py --imaptest PATH [--secs N] [--only mailhaven|peer]
                                     [--output FILE] [--archive PATH] [--keep]
"""
import argparse
import datetime
import imaplib
import socket
import ssl
import threading
import time
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

from mailhaven import EmptyDns, Mailhaven, default_archive
from peers import Dovecot, package_version, wait_for_greeting

DOMAIN = "bench.test"
PASSWORD = "bench-Password-1"
USERS = [f"u{i}" for i in range(1, 9)]
BUILD_PACKAGES = ["dovecot-dev", "dovecot-imapd", "dovecot-lmtpd", "dovecot-core", "automake", "autoconf", "libtool", "make",
                  "gcc", "pkg-config", "libssl-dev", "openssl"]
SCENARIOS = [
    ("10 clients, one user", {"clients": 10, "user": f"u1@{DOMAIN}"}),
    ("50 clients, one user", {"clients": 50, "user": f"u1@{DOMAIN}"}),
    ("16 clients, 8 users", {"clients": 16, "user": f"u%d@{DOMAIN}", "users": 8}),
]


def ensure_packages():
    missing = [p for p in BUILD_PACKAGES
               if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    if missing:
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends"] + missing, check=True,
                       capture_output=True)


def build(source, target):
    binary = os.path.join(target, "src", "imaptest")
    if os.path.exists(binary):
        return binary
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".git"))
    if not os.path.exists(os.path.join(target, "version")):
        # build-aux/git-version-gen needs .git or this file
        with open(os.path.join(target, "version"), "w") as f:
            f.write("0.0.0+export\n")
    with open("/usr/include/dovecot/imap-parser.h") as header:
        with_params = "imap_parser_params *params" in header.read()
    if with_params:
        for name in os.listdir(os.path.join(target, "src")):
            if name.endswith(".c"):
                path = os.path.join(target, "src", name)
                with open(path) as f:
                    text = f.read()
                fixed = re.sub(r"imap_parser_create\((.*), \(size_t\)-1\)", r"imap_parser_create(\1, (size_t)-1, NULL)", text)
                if fixed != text:
                    with open(path, "w") as f:
                        f.write(fixed)
    for step in (["./autogen.sh"], ["./configure", "--with-dovecot=/usr/lib/dovecot"], ["make", "-j2"]):
        result = subprocess.run(step, cwd=target, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"building imaptest: {' '.join(step)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return binary


def mbox(path, count=200, seed=3):
    """Messages for imaptest to APPEND: plain and multipart, 1-60 KiB, as mail clients send them."""
    rng = random.Random(seed)
    with open(path, "w", newline="") as f:
        for i in range(count):
            size = rng.choice([1, 3, 8, 20, 60]) * 1024
            body = ("".join(rng.choice("abcdefghij klmnopqrstuvwxyz") for _ in range(72)) + "\r\n") * (size // 74)
            f.write(f"From sender{i}@remote.test Wed Dec  2 06:00:00 2026\r\n")
            f.write(f"From: Sender {i} <sender{i}@remote.test>\r\nTo: u1@{DOMAIN}\r\n"
                    f"Subject: message {i} about {rng.choice(['lunch', 'report', 'invoice', 'meeting'])}\r\n"
                    f"Date: Wed, 2 Dec 2026 06:{i % 60:02d}:00 +0000\r\nMessage-ID: <{i}.{seed}@remote.test>\r\n")
            if i % 3 == 0:
                f.write("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                        f"--b\r\nContent-Type: text/plain\r\n\r\n{body}--b\r\nContent-Type: application/octet-stream\r\n"
                        f"Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n\r\n")
            else:
                f.write(f"\r\n{body}\r\n")


def run_imaptest(binary, port, scenario, secs, box):
    args = [binary, "host=127.0.0.1", f"port={port}", "ssl=any-cert", f"pass={PASSWORD}", f"secs={secs}",
            f"mbox={box}", "seed=11"]
    args += [f"{key}={value}" for key, value in scenario.items()]
    env = dict(os.environ, LD_LIBRARY_PATH="/usr/lib/dovecot")  # imaptest links Dovecot's libdovecot.so
    result = subprocess.run(args, capture_output=True, text=True, timeout=secs + 180, env=env)
    return parse(result.stdout + result.stderr, secs)


def parse(output, secs):
    """imaptest ends with "Totals:", a line of command names, two of percentages and one of
    counts; every 10 s it prints each command's average latency ("ms/cmd avg")."""
    lines = output.splitlines()
    commands = 0
    if "Totals:" in lines:
        for line in lines[lines.index("Totals:") + 1:]:
            fields = line.split()
            if fields and all(field.isdigit() for field in fields):
                commands = sum(int(field) for field in fields)
                break
    slowest = 0
    for line in lines:
        if line.endswith("ms/cmd avg"):
            slowest = max([slowest] + [int(field) for field in line.split()[:-2] if field.isdigit()])
    errors = [line for line in lines if line.startswith("Error:") or line.startswith("Panic:")]
    stalls = sum(1 for line in lines if "stalled" in line.lower())
    return {"commands/s": commands / secs, "errors": len(errors), "stalls": stalls,
            "slowest avg ms": slowest, "sample": errors[:3]}


def mailhaven_rows(archive, binary, secs, box, keep):
    rows = {}
    for name, scenario in SCENARIOS:
        server = Mailhaven(archive, dns=EmptyDns().address)
        server.env["MAILHAVEN_IMAP_CONNECTIONS_PER_CLIENT"] = "100"
        server.start()
        server.run("bin/james-cli", "AddDomain", DOMAIN)
        for user in USERS:
            server.run("bin/james-cli", "AddUser", f"{user}@{DOMAIN}", PASSWORD)
        log = os.path.join(server.home, "log/james.log")
        before = errors_in(log)
        result = run_imaptest(binary, server.ports["imaps"], scenario, secs, box)
        result["ERROR in james.log"] = errors_in(log) - before
        rows[name] = result
        if name == SCENARIOS[-1][0]:
            rows["two users"] = two_users(server.ports["imaps"])
        server.stop()
        if not keep:
            server.remove()
    return rows


def two_users(port, secs=15):
    """Two users, one IMAPS connection each, each appending to and expunging its own INBOX."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    cycles = [0, 0]
    slowest = [0.0]
    deadline = time.monotonic() + secs

    def timed(call, *args):
        began = time.monotonic()
        typ, data = call(*args)
        slowest[0] = max(slowest[0], time.monotonic() - began)
        if typ != "OK":
            raise RuntimeError(f"{call.__name__} answered {typ} {data}")

    def work(index):
        imap = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=context)
        # Without this, imaplib's literal and its CRLF go out as two writes, Nagle holds the
        # second until the server's delayed ACK (40 ms), and each APPEND measures that timer.
        imap.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        imap.login(f"{USERS[index]}@{DOMAIN}", PASSWORD)
        imap.select("INBOX")
        message = f"From: a@remote.test\r\nSubject: cycle\r\n\r\n{'x' * 2000}\r\n".encode()
        while time.monotonic() < deadline:
            timed(imap.append, "INBOX", None, None, message)
            timed(imap.store, "1:*", "+FLAGS", "(\\Deleted)")
            timed(imap.expunge)
            cycles[index] += 1
        imap.logout()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"cycles": sum(cycles), "slowest command (s)": slowest[0]}


def errors_in(log):
    try:
        with open(log, errors="replace") as f:
            return sum(1 for line in f if " ERROR " in line)
    except OSError:
        return 0


def dovecot_rows(binary, secs, box, keep):
    rows = {}
    for name, scenario in SCENARIOS:
        dovecot = Dovecot(DOMAIN, USERS, PASSWORD, extra="mail_max_userip_connections = 100")
        dovecot.start()
        wait_for_greeting(dovecot.imap_port)
        rows[name] = run_imaptest(binary, dovecot.imaps_port, scenario, secs, box)
        if name == SCENARIOS[-1][0]:
            rows["two users"] = two_users(dovecot.imaps_port)
        dovecot.stop()
        if not keep:
            dovecot.remove()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--imaptest", required=True, help="imaptest source checkout")
    parser.add_argument("--build", default="/var/tmp/imaptest-build")
    parser.add_argument("--secs", type=int, default=30)
    parser.add_argument("--only", choices=["mailhaven", "peer"])
    parser.add_argument("--output", default="benchmark-imaptest.txt")
    parser.add_argument("--archive", default=default_archive())
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root: apt-get and a private Dovecot")
    ensure_packages()
    binary = build(os.path.abspath(options.imaptest), options.build)
    box = os.path.join(tempfile.mkdtemp(prefix="imaptest-mbox-"), "messages.mbox")
    mbox(box)

    results = {}
    if options.only != "peer":
        results["Mailhaven"] = mailhaven_rows(options.archive, binary, options.secs, box, options.keep)
    if options.only != "mailhaven":
        results[f"Dovecot {package_version('dovecot-imapd')}"] = dovecot_rows(binary, options.secs, box, options.keep)

    report = [f"imaptest stress, {options.secs} s per scenario, {datetime.date.today()}, IMAPS on loopback", ""]
    systems = list(results)
    report.append("| scenario | " + " | ".join(f"{s} commands/s | errors | stalls | slowest command avg (ms)"
                                               for s in systems)
                  + (" | Mailhaven / Dovecot |" if len(systems) == 2 else " |"))
    report.append("|---" * (1 + 4 * len(systems) + (1 if len(systems) == 2 else 0)) + "|")
    for name, _ in SCENARIOS:
        cells = []
        for system in systems:
            row = results[system][name]
            extra = f" ({row['ERROR in james.log']} ERROR in log)" if "ERROR in james.log" in row else ""
            cells += [f"{row['commands/s']:.1f}", f"{row['errors']}{extra}", str(row["stalls"]),
                      str(row["slowest avg ms"])]
        ratio = ""
        if len(systems) == 2:
            peer = results[systems[1]][name]["commands/s"]
            ratio = f" {results[systems[0]][name]['commands/s'] / peer:.2f}x |" if peer else " - |"
        report.append(f"| {name} | " + " | ".join(cells) + " |" + ratio)
    report.append("")
    report.append("Two users, one connection each, own INBOX, 15 s (APPEND, STORE, EXPUNGE):")
    for system in systems:
        row = results[system]["two users"]
        report.append(f"  {system}: {row['cycles']} cycles, slowest command {row['slowest command (s)']:.3f} s")
    for system in systems:
        for name, row in results[system].items():
            for sample in row.get("sample", []):
                report.append(f"{system}, {name}: {sample}")
    text = "\n".join(report)
    print(text)
    with open(options.output, "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
