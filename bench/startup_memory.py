#!/usr/bin/env python3
"""Start-up time and resident memory of the packaged distribution.

Unpacks the archive built by `mvn -B package` into a temporary folder, starts it three
times with bin/james (first start on empty data, then two restarts), creates a domain and
users with bin/james-cli, delivers a batch of messages over SMTP (port 25, 8 concurrent
sessions, sizes cycling 2/6/20/60 KiB) until every one is visible over IMAP, and prints:

  - start-up time as bin/james start measures it (command returns once every listener
    accepts connections) and as the server reports it (JVM start to ready);
  - resident memory (VmRSS) after start, after the load, and the peak (VmHWM);
  - how long the spam checks took per message (they run before the reply to DATA).

The spam checks ask DNS (blocklist, SPF, DMARC); by default the server is pointed at a
loopback DNS that answers "no such domain" at once, as a local caching resolver would for
the benchmark's made-up domains. --dns system measures the machine's resolver instead.

Usage: bench/startup_memory.py [--archive PATH] [--messages N] [--keep] [--dns local|system|HOST:PORT]
                               [--without-archive]
"""
import argparse
import concurrent.futures
import imaplib
import os
import re
import smtplib
import ssl
import sys
import time

from mailhaven import EmptyDns, Mailhaven, default_archive

SIZES_KIB = [2, 6, 20, 60]
USERS = 10
PASSWORD = "bench-Password-1"


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


def without_archive(home):
    path = os.path.join(home, "conf", "mailetcontainer.xml")
    with open(path, encoding="utf-8") as f:
        xml = f.read()
    xml, count = re.subn(r'<mailet match="All" class="org.mailhaven.mailets.archive.Archive">.*?</mailet>', "", xml, flags=re.S)
    if count != 1:
        sys.exit("cannot find the Archive mailet in " + path)
    with open(path, "w", encoding="utf-8") as f:
        f.write(xml)


def spam_check_times(home):
    """Milliseconds the spam checks took per message, from the SpamCheckHook log lines."""
    with open(os.path.join(home, "log", "james.log"), encoding="utf-8", errors="replace") as log:
        return [int(m.group(1)) for m in re.finditer(r"SpamCheckHook - Spam check of .* in (\d+) ms", log.read())]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", default=default_archive())
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the unpacked folder")
    parser.add_argument("--dns", default="local",
                        help="'local': a loopback DNS that knows no domain (default); 'system': /etc/resolv.conf; or host:port")
    parser.add_argument("--without-archive", action="store_true",
                        help="take the Archive mailet out of the pipeline, to measure what archiving costs")
    args = parser.parse_args()
    dns = {"local": lambda: EmptyDns().address, "system": lambda: None}.get(args.dns, lambda: args.dns)()
    server = Mailhaven(args.archive, dns)
    if args.without_archive:
        without_archive(server.home)

    rows = []
    try:
        for label in ("first start (empty var/)", "restart 1", "restart 2"):
            wall, reported = server.start()
            time.sleep(2)  # let start-up work settle before reading memory
            rows.append((label, wall, reported, server.memory()["VmRSS"]))
            if label != "restart 2":
                server.stop()

        server.run("bin/james-cli", "AddDomain", "bench.test")
        for u in range(USERS):
            server.run("bin/james-cli", "AddUser", f"user{u}@bench.test", PASSWORD)
        began = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda k: send_batch(server.ports["smtp"], range(k, args.messages, 8)), range(8)))
        accepted = time.monotonic() - began
        while delivered(server.ports["imap"]) < args.messages:
            if time.monotonic() - began > 900:
                sys.exit("not every message was delivered within 15 minutes")
            time.sleep(0.5)
        visible = time.monotonic() - began
        after_load = server.memory()
        checks = spam_check_times(server.home)
    finally:
        server.stop()
        if not args.keep:
            server.remove()

    print(f"Mailhaven start-up and memory ({os.path.basename(args.archive)}, {os.cpu_count()} CPUs)")
    print(f"{'run':<28}{'bin/james start':>18}{'server-reported':>18}{'RSS after start':>18}")
    for label, wall, reported, rss in rows:
        print(f"{label:<28}{wall:>16.1f} s{reported:>16.1f} s{rss:>15.0f} MB")
    print(f"load: {args.messages} messages over SMTP, 8 sessions, {'/'.join(map(str, SIZES_KIB))} KiB:"
          f" accepted in {accepted:.1f} s ({args.messages / accepted:.0f}/s),"
          f" all visible over IMAP after {visible:.1f} s ({args.messages / visible:.0f}/s)")
    print(f"RSS after the load: {after_load['VmRSS']:.0f} MB, peak RSS: {after_load['VmHWM']:.0f} MB")
    if checks:
        checks.sort()
        print(f"spam checks at the end of DATA: p50 {checks[len(checks) // 2]} ms, p99 {checks[len(checks) * 99 // 100]} ms,"
              f" max {checks[-1]} ms (DNS: {args.dns})")


if __name__ == "__main__":
    main()
