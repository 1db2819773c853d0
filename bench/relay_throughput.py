#!/usr/bin/env python3
"""Relay throughput: Mailhaven next to Postfix, both relaying to the same fast SMTP sink.

Starts Postfix's smtp-sink on 127.0.0.2 (a "remote server" on loopback that accepts every
message at once), then for each MTA in turn:

  - injects N messages over SMTP from C parallel sessions, one remote recipient each (the
    injecting address is allowed to relay), after a warm-up batch;
  - measures "accepted/s" (until the last 250 after DATA) and "relayed/s" (from the first
    MAIL FROM until the sink has received the last message).

Both MTAs send everything to the sink as their smarthost (Mailhaven: <smarthost>, Postfix:
relayhost) without TLS, so MX lookups and TLS handshakes cost neither of them anything.
Otherwise both run with their defaults: Mailhaven as unpacked from the archive (10 delivery
threads), Postfix as Debian configures it (up to 20 parallel deliveries per destination), in a
private instance whose configuration and queue live in a temporary folder (the system's Postfix,
if any, is not touched).

Needs: python3, the archive (mvn -B package -DskipTests), and as root the Debian package
postfix (apt-get install postfix), which provides both Postfix and smtp-sink.

With --dkim, Mailhaven runs a second time with the sender's domain local, so every message is
DKIM-signed (RSA 2048 and Ed25519) on its way out: the cost of signing, next to the unsigned run.
Postfix signs nothing (it would need OpenDKIM or rspamd as a milter).

Usage: bench/relay_throughput.py [--messages N] [--sessions C] [--size KIB] [--skip-postfix] [--dkim]
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import smtplib
import subprocess
import sys
import threading
import time

from mailhaven import Mailhaven, default_archive, free_port
from peers import Postfix

SINK_ADDRESS = "127.0.0.2"


class Sink:
    """Postfix's smtp-sink, counting the messages it received."""

    def __init__(self):
        self.port = free_port(SINK_ADDRESS)
        self.received = 0
        self.process = subprocess.Popen(["smtp-sink", "-c", "-u", "nobody", f"{SINK_ADDRESS}:{self.port}", "256"],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._count, daemon=True).start()

    def _count(self):
        buffer = b""
        while True:
            chunk = self.process.stdout.read1(4096)
            if not chunk:
                return
            buffer = (buffer + chunk)[-200:]
            counts = re.findall(rb"mesg=(\d+)", buffer)
            if counts:
                self.received = int(counts[-1])

    def await_count(self, count, timeout):
        deadline = time.monotonic() + timeout
        while self.received < count:
            if time.monotonic() > deadline:
                sys.exit(f"the sink received {self.received} of {count} messages within {timeout} s")
            time.sleep(0.05)
        return time.monotonic()

    def stop(self):
        self.process.terminate()


def message(index, size_kib):
    line = "The quick brown fox jumps over the lazy dog 0123456789.\r\n"
    body = line * (size_kib * 1024 // len(line) + 1)
    return (f"From: sender@bench.test\r\nTo: rcpt{index}@remote.test\r\nSubject: relay {index}\r\n"
            f"Message-ID: <relay-{index}@bench.test>\r\n\r\n{body}").encode()


def inject(port, indices, size_kib):
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
        smtp.ehlo("client.bench.test")
        for i in indices:
            smtp.sendmail("sender@bench.test", [f"rcpt{i}@remote.test"], message(i, size_kib))


def measure(name, port, sink, first, count, sessions, size_kib):
    """Sends messages first..first+count-1; returns (accepted/s, relayed/s)."""
    base = sink.received
    began = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(sessions) as pool:
        list(pool.map(lambda k: inject(port, range(first + k, first + count, sessions), size_kib), range(sessions)))
    accepted = time.monotonic() - began
    done = sink.await_count(base + count, 900) - began
    print(f"  {name}: {count} messages accepted in {accepted:.1f} s, all at the sink after {done:.1f} s", flush=True)
    return count / accepted, count / done


def run(name, port, sink, args):
    warm_up = max(50, args.messages // 10)
    measure(f"{name} warm-up", port, sink, 0, warm_up, args.sessions, args.size)
    return measure(name, port, sink, warm_up, args.messages, args.sessions, args.size)


def configure_relay(server, sink):
    path = os.path.join(server.home, "conf/mailetcontainer.xml")
    xml = open(path).read()
    for tag, value in (("smarthost", f"{SINK_ADDRESS}:{sink.port}"), ("smarthostTls", "none"), ("tls", "none")):
        xml = re.sub(rf"(?m)^(\s*)<{tag}>[^<]*</{tag}>", rf"\g<1><{tag}>{value}</{tag}>", xml, count=1)
    open(path, "w").write(xml)
    properties = os.path.join(server.home, "conf/server.properties")
    with open(properties, "a") as out:
        out.write("\nrelay.networks=127.0.0.0/8\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", default=default_archive())
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=4, help="parallel injecting SMTP sessions")
    parser.add_argument("--size", type=int, default=4, help="message size in KiB")
    parser.add_argument("--skip-postfix", action="store_true")
    parser.add_argument("--dkim", action="store_true", help="also run Mailhaven signing every message")
    args = parser.parse_args()
    if not shutil.which("smtp-sink") or (not args.skip_postfix and not shutil.which("postfix")):
        sys.exit("needs Postfix and its smtp-sink: apt-get install postfix (or --skip-postfix, still needs smtp-sink)")

    sink = Sink()
    results = {}
    try:
        for signed in ([False, True] if args.dkim else [False]):
            server = Mailhaven(args.archive)
            configure_relay(server, sink)
            name = "Mailhaven, DKIM" if signed else "Mailhaven"
            try:
                server.start()
                if signed:
                    server.run("bin/james-cli", "AddDomain", "bench.test")
                results[name] = run(name, server.ports["smtp"], sink, args)
                if signed and "signed by bench.test" not in open(os.path.join(server.home, "log/james.log")).read():
                    sys.exit("Mailhaven did not sign: no 'signed by bench.test' in its log")
            finally:
                server.stop()
                server.remove()
        if not args.skip_postfix:
            postfix = Postfix(["myhostname=postfix.bench.test", "mydestination=",
                               f"relayhost=[{SINK_ADDRESS}]:{sink.port}", "smtp_tls_security_level=none",
                               "smtpd_tls_security_level=none"])
            try:
                postfix.start()
                results["Postfix " + Postfix.version()] = run("Postfix", postfix.port, sink, args)
            finally:
                postfix.stop()
                postfix.remove()
    finally:
        sink.stop()

    print(f"\nRelay to a local SMTP sink: {args.messages} messages of {args.size} KiB, one recipient each, "
          f"{args.sessions} injecting sessions, {os.cpu_count()} CPUs")
    print(f"{'MTA':<20}{'accepted/s':>12}{'relayed/s':>12}")
    for name, (accepted, relayed) in results.items():
        print(f"{name:<20}{accepted:>12.0f}{relayed:>12.0f}")


if __name__ == "__main__":
    main()
