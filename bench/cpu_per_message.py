#!/usr/bin/env python3
"""What one message costs Mailhaven: CPU time and the wait at each SMTP command.

Unpacks the archive, starts it (loopback DNS that knows no names, as in bench/compare.py),
adds 10 users, then sends rounds of messages over port 25 from 8 concurrent sessions (sizes
cycling 2/6/20/60 KiB) and prints per round:

  - messages/s until the last 250;
  - the server's CPU time (user + system, all threads: JIT, GC, delivery) divided by the
    number of messages, read from /proc after the round's deliveries settled;
  - p50/p90 of the time the client waited for MAIL FROM, RCPT TO and the end of DATA.

Several rounds show the JIT warming up. This is the tool behind the step-by-step table in
docs/performance.md; bench/compare.py gives the end-to-end comparison.

Usage: bench/cpu_per_message.py [--rounds N] [--per-session N] [--java-opts "..."] [--jfr FILE]
                                [--archive PATH]
"""
import argparse
import concurrent.futures
import os
import smtplib
import time

from compare import DOMAIN, PASSWORD, SIZES_KIB, message
from mailhaven import EmptyDns, Mailhaven, default_archive

USERS = 10
SESSIONS = 8


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def session(port, first, count, waits):
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
        smtp.ehlo("client.remote.test")
        for i in range(first, first + count):
            recipient = f"user{i % USERS}@{DOMAIN}"
            began = time.monotonic()
            smtp.mail("sender@remote.test")
            mailed = time.monotonic()
            smtp.rcpt(recipient)
            rcpt = time.monotonic()
            smtp.data(message(i, recipient, SIZES_KIB[i % len(SIZES_KIB)]))
            waits["MAIL"].append(mailed - began)
            waits["RCPT"].append(rcpt - mailed)
            waits["DATA"].append(time.monotonic() - rcpt)


def percentile(values, fraction):
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(len(values) * fraction))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", default=default_archive())
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--per-session", type=int, default=150, help="messages per session and round")
    parser.add_argument("--java-opts", default="", help="added to the server's JVM options (JAVA_OPTS)")
    parser.add_argument("--jfr", help="record the run with Java Flight Recorder into this file")
    args = parser.parse_args()
    server = Mailhaven(args.archive, EmptyDns().address)
    options = args.java_opts + (f" -XX:StartFlightRecording=filename={os.path.abspath(args.jfr)},settings=profile"
                                if args.jfr else "")
    if options.strip():
        server.env["JAVA_OPTS"] = options.strip()
    try:
        server.start()
        server.run("bin/james-cli", "AddDomain", DOMAIN)
        for u in range(USERS):
            server.run("bin/james-cli", "AddUser", f"user{u}@{DOMAIN}", PASSWORD)
        count = SESSIONS * args.per_session
        for round_ in range(args.rounds):
            waits = {"MAIL": [], "RCPT": [], "DATA": []}
            cpu_before = cpu_seconds(server.pid)
            began = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(SESSIONS) as pool:
                list(pool.map(lambda k: session(server.ports["smtp"], round_ * count + k * args.per_session,
                                                args.per_session, waits), range(SESSIONS)))
            elapsed = time.monotonic() - began
            time.sleep(3)  # deliveries of the last messages finish in the spool
            cpu = (cpu_seconds(server.pid) - cpu_before) / count
            phases = ", ".join(f"{name} p50 {percentile(v, 0.5):.0f} p90 {percentile(v, 0.9):.0f} ms"
                               for name, v in waits.items())
            print(f"round {round_ + 1}: {count} messages, {count / elapsed:.1f} msg/s,"
                  f" server CPU {1000 * cpu:.1f} ms per message; {phases}", flush=True)
    finally:
        server.stop()
        server.remove()


if __name__ == "__main__":
    main()
