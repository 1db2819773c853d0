"""Big messages: N messages of S MiB over C concurrent SMTP sessions to port 25, for Mailhaven
(its unpacked archive, shipped configuration, default heap) and for Postfix + Dovecot from
Debian (private instances, as bench/compare.py runs them), one after the other in the same run.

For each: the accept rate (MB/s of messages acknowledged with 250), how many were delivered
(counted over IMAP) and how long that took, peak memory, and for Mailhaven whether its log shows
an OutOfMemoryError. Every message must be delivered: a 250 is a promise.

Usage: sudo python3 bench/big_messages.py [--messages 200] [--size-mib 10] [--sessions 8]
       [--without-peer] [--archive assembly/target/mailhaven-*.tar.gz]
Needs root for the peer (it installs postfix and dovecot with apt-get if missing).
"""
import argparse
import base64
import concurrent.futures
import datetime
import imaplib
import os
import random
import smtplib
import ssl
import sys
import time

from compare import DOMAIN, PACKAGES, PASSWORD, MemorySampler, install, version_of
from mailhaven import EmptyDns, Mailhaven, default_archive
from peers import Dovecot, Postfix, package_version, wait_for_greeting

USERS = [f"big{u}" for u in range(4)]


def big_message(index, recipient, size_mib, attachment):
    """A message as mail clients send attachments: a text part and base64 lines of 76 characters."""
    return (f"From: sender@remote.test\r\nTo: {recipient}\r\nSubject: big {index}\r\n"
            f"Message-ID: <big-{index}@remote.test>\r\nDate: Tue, 01 Dec 2026 12:00:00 +0000\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            "--b\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n"
            "--b\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n").encode() + attachment + b"--b--\r\n"


def attachment(size_mib):
    data = random.Random(1).randbytes(size_mib * 1024 * 1024 * 3 // 4)
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return encoded


def send_all(port, messages, sessions, size_mib):
    """Returns (seconds until the last 250, refusals as text)."""
    body = attachment(size_mib)
    refusals = []
    started = time.monotonic()

    def session(first):
        with smtplib.SMTP("127.0.0.1", port, timeout=600) as smtp:
            smtp.ehlo("client.remote.test")
            for i in range(first, messages, sessions):
                recipient = f"{USERS[i % len(USERS)]}@{DOMAIN}"
                try:
                    smtp.sendmail("sender@remote.test", [recipient], big_message(i, recipient, size_mib, body))
                except smtplib.SMTPException as e:
                    refusals.append(f"message {i}: {e}")

    with concurrent.futures.ThreadPoolExecutor(sessions) as pool:
        list(pool.map(session, range(sessions)))
    return time.monotonic() - started, refusals


def delivered(imap_port):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    total = 0
    for user in USERS:
        imap = imaplib.IMAP4("127.0.0.1", imap_port)
        try:
            imap.starttls(ssl_context=context)
            imap.login(f"{user}@{DOMAIN}", PASSWORD)
            typ, data = imap.status("INBOX", "(MESSAGES)")
            total += int(data[0].decode().split("MESSAGES ")[1].rstrip(")"))
        finally:
            try:
                imap.logout()
            except (imaplib.IMAP4.abort, OSError):
                pass  # James sometimes drops the tagged OK of LOGOUT over STARTTLS (docs/known-issues.md)
    return total


def measure(name, smtp_port, imap_port, roots, args, log=None):
    sampler = MemorySampler(roots)
    sampler.start()
    began = time.monotonic()
    accept_seconds, refusals = send_all(smtp_port, args.messages, args.sessions, args.size_mib)
    count = 0
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        count = delivered(imap_port)
        if count >= args.messages - len(refusals):
            break
        time.sleep(2)
    all_delivered = time.monotonic() - began
    sampler.stop()
    size_mb = args.messages * args.size_mib * 1.048576
    figures = {
        "accepted": f"{args.messages - len(refusals)} of {args.messages}",
        "accepted MB/s": f"{size_mb / accept_seconds:.1f}",
        "accept time (s)": f"{accept_seconds:.1f}",
        "delivered": f"{count}",
        "all delivered after (s)": f"{all_delivered:.1f}" if count >= args.messages - len(refusals) else "not within timeout",
        "peak RSS (MB)": f"{sampler.peak:.0f}",
    }
    if log is not None:
        figures["OutOfMemoryError in log"] = str(log().count("OutOfMemoryError"))
    for refusal in refusals[:5]:
        print(f"  {name}: refused {refusal}", flush=True)
    print(f"  {name}: {figures}", flush=True)
    return name, figures


def run_mailhaven(args):
    server = Mailhaven(args.archive, EmptyDns().address)
    try:
        server.start()
        server.run("bin/james-cli", "AddDomain", DOMAIN)
        for user in USERS:
            server.run("bin/james-cli", "AddUser", f"{user}@{DOMAIN}", PASSWORD)
        log_path = os.path.join(server.home, "log", "james.log")
        return measure(f"Mailhaven {version_of(args.archive)}", server.ports["smtp"], server.ports["imap"],
                       lambda: [server.pid], args, lambda: open(log_path, errors="replace").read())
    finally:
        server.stop()
        if args.keep:
            print(f"  kept {server.home}")
        else:
            server.remove()


def run_peer(args):
    install(PACKAGES)
    dovecot = Dovecot(DOMAIN, USERS, PASSWORD)
    postfix = Postfix(["myhostname=postfix.bench.test", "mydestination=", f"virtual_mailbox_domains={DOMAIN}",
                       f"virtual_mailbox_maps=texthash:{dovecot.dir}/mailboxes",
                       f"virtual_transport=lmtp:inet:127.0.0.1:{dovecot.lmtp_port}",
                       "message_size_limit=52428800"])
    with open(f"{dovecot.dir}/mailboxes", "w") as f:
        f.writelines(f"{u}@{DOMAIN} OK\n" for u in USERS)
    try:
        dovecot.start()
        postfix.start()
        wait_for_greeting(postfix.port)
        wait_for_greeting(dovecot.imap_port)
        name = f"Postfix {Postfix.version()} + Dovecot {package_version('dovecot-core').split(':')[-1].split('+')[0]}"
        return measure(name, postfix.port, dovecot.imap_port, lambda: [postfix.master_pid(), dovecot.master_pid()], args)
    finally:
        postfix.stop()
        dovecot.stop()
        postfix.remove()
        dovecot.remove()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", default=default_archive())
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--size-mib", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--timeout", type=int, default=900, help="seconds to wait for every delivery")
    parser.add_argument("--without-peer", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep Mailhaven's folder (log, var) after the run")
    args = parser.parse_args()
    runs = [run_mailhaven(args)]
    if not args.without_peer:
        runs.append(run_peer(args))
    keys = list(runs[0][1].keys())
    width = max(len(name) for name, _ in runs) + 3
    lines = [f"Big messages, {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs: {args.messages} messages"
             f" of {args.size_mib} MiB over {args.sessions} SMTP sessions to port 25, {len(USERS)} users", "",
             f"{'':<26}" + "".join(f"{name:>{width}}" for name, _ in runs)]
    for key in keys:
        lines.append(f"{key:<26}" + "".join(f"{figures.get(key, '-'):>{width}}" for _, figures in runs))
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "big_messages-result.txt"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    sys.exit(main())
