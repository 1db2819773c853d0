#!/usr/bin/env python3
"""Start-up time and resident memory of the packaged distribution.

Unpacks the archive built by `mvn -B package` into a temporary folder, starts it three
times with bin/james (first start on empty data, then two restarts), creates a domain and
users with bin/james-cli, delivers a batch of messages over SMTP (port 25, 8 concurrent
sessions, sizes cycling 2/6/20/60 KiB) until every one is visible over IMAP, and prints:

  - start-up time as bin/james start measures it (command returns once every listener
    accepts connections) and as the server reports it (JVM start to ready);
  - resident memory (VmRSS) after start, after the load, and the peak (VmHWM).

Usage: bench/startup_memory.py [--archive PATH] [--messages N] [--keep]
"""
import argparse
import concurrent.futures
import glob
import imaplib
import os
import re
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time

LISTENERS = ["smtp", "smtps", "submission", "imap", "imaps", "pop3", "pop3s", "managesieve", "jmx"]
SIZES_KIB = [2, 6, 20, 60]
USERS = 10
PASSWORD = "bench-Password-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(home, env, *args):
    return subprocess.run(list(args), cwd=home, env=env, capture_output=True, text=True, timeout=600)


def memory(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return fields


def start(home, env):
    began = time.monotonic()
    result = run(home, env, "bin/james", "start")
    wall = time.monotonic() - began
    if result.returncode != 0:
        sys.exit(f"bin/james start failed:\n{result.stdout}{result.stderr}")
    reported = float(re.search(r"started in ([0-9.]+) s", result.stdout).group(1))
    pid = int(open(os.path.join(home, "var/run/james.pid")).read())
    return wall, reported, pid


def message(index, size_kib):
    body_line = "The quick brown fox jumps over the lazy dog 0123456789.\r\n"
    body = body_line * (size_kib * 1024 // len(body_line) + 1)
    return (f"From: sender@remote.test\r\nTo: user{index % USERS}@bench.test\r\n"
            f"Subject: message {index}\r\nMessage-ID: <{index}@bench.test>\r\n\r\n{body}").encode()


def send_batch(port, indices):
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
        smtp.ehlo("client.bench.test")
        for i in indices:
            smtp.sendmail("sender@remote.test", [f"user{i % USERS}@bench.test"], message(i, SIZES_KIB[i % len(SIZES_KIB)]))


def delivered(port):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    total = 0
    for u in range(USERS):
        imap = imaplib.IMAP4("127.0.0.1", port)
        imap.starttls(ssl_context=context)
        imap.login(f"user{u}@bench.test", PASSWORD)
        status = imap.status("INBOX", "(MESSAGES)")[1][0].decode()
        total += int(re.search(r"MESSAGES (\d+)", status).group(1))
        imap.shutdown()
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    archives = sorted(glob.glob(os.path.join(root, "assembly/target/mailhaven-*.tar.gz")))
    parser.add_argument("--archive", default=archives[-1] if archives else None)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the unpacked folder")
    args = parser.parse_args()
    if not args.archive:
        sys.exit("No archive: run 'mvn -B package -DskipTests' first or pass --archive.")

    work = tempfile.mkdtemp(prefix="mailhaven-bench-")
    subprocess.run(["tar", "-xzf", args.archive, "-C", work], check=True)
    home = os.path.join(work, os.listdir(work)[0])
    ports = {name: free_port() for name in LISTENERS}
    env = dict(os.environ, MAILHAVEN_LISTEN_ADDRESS="127.0.0.1", MAILHAVEN_HOSTNAME="mail.bench.test")
    env.update({f"MAILHAVEN_{name.upper()}_PORT": str(port) for name, port in ports.items()})

    rows = []
    try:
        for label in ("first start (empty var/)", "restart 1", "restart 2"):
            wall, reported, pid = start(home, env)
            time.sleep(2)  # let start-up work settle before reading memory
            rows.append((label, wall, reported, memory(pid)["VmRSS"]))
            if label != "restart 2":
                run(home, env, "bin/james", "stop")

        run(home, env, "bin/james-cli", "AddDomain", "bench.test")
        for u in range(USERS):
            run(home, env, "bin/james-cli", "AddUser", f"user{u}@bench.test", PASSWORD)
        began = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda k: send_batch(ports["smtp"], range(k, args.messages, 8)), range(8)))
        accepted = time.monotonic() - began
        while delivered(ports["imap"]) < args.messages:
            if time.monotonic() - began > 900:
                sys.exit("not every message was delivered within 15 minutes")
            time.sleep(0.5)
        visible = time.monotonic() - began
        after_load = memory(pid)
    finally:
        run(home, env, "bin/james", "stop")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"Mailhaven start-up and memory ({os.path.basename(args.archive)}, {os.cpu_count()} CPUs)")
    print(f"{'run':<28}{'bin/james start':>18}{'server-reported':>18}{'RSS after start':>18}")
    for label, wall, reported, rss in rows:
        print(f"{label:<28}{wall:>16.1f} s{reported:>16.1f} s{rss:>15.0f} MB")
    print(f"load: {args.messages} messages over SMTP, 8 sessions, {'/'.join(map(str, SIZES_KIB))} KiB:"
          f" accepted in {accepted:.1f} s ({args.messages / accepted:.0f}/s),"
          f" all visible over IMAP after {visible:.1f} s ({args.messages / visible:.0f}/s)")
    print(f"RSS after the load: {after_load['VmRSS']:.0f} MB, peak RSS: {after_load['VmHWM']:.0f} MB")


if __name__ == "__main__":
    main()
