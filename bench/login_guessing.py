"""Password guessing: one client guesses an IMAP account's password as fast as the server lets it
(STARTTLS on port 143, a new connection whenever one is closed), for a fixed time, against
Mailhaven as shipped, against Mailhaven with its login guard turned off (the James behaviour
before), and against a private Dovecot from Debian (its own failed-login delay), in one run.

Prints per server: attempts answered per minute, how many of them had their password tried
(answered as a wrong password, not refused as blocked), and for Mailhaven whether the right
password from another address still works afterwards.

Usage: sudo python3 bench/login_guessing.py [--seconds 60] [--without-peer]
       [--archive assembly/target/mailhaven-*.tar.gz]
Needs root for the peer (it installs dovecot with apt-get if missing).
"""
import argparse
import imaplib
import socket
import ssl
import time

from compare import DOMAIN, PASSWORD, install
from mailhaven import EmptyDns, Mailhaven, default_archive
from peers import Dovecot, package_version, wait_for_greeting

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE
ACCOUNT = f"victim@{DOMAIN}"
ATTACKER = "127.0.0.2"
OWNER = "127.0.0.3"


def connect(port, source):
    original = socket.create_connection

    def bound(address, timeout=None, source_address=None, **kwargs):
        return original(address, timeout, (source, 0), **kwargs)
    socket.create_connection = bound
    try:
        client = imaplib.IMAP4("127.0.0.1", port, timeout=60)
    finally:
        socket.create_connection = original
    client.starttls(ssl_context=TLS)
    return client


def guess(port, seconds):
    """Wrong passwords for `seconds`; returns (answered, tried) counts."""
    answered = tried = 0
    client = None
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if client is None:
                client = connect(port, ATTACKER)
            client.login(ACCOUNT, f"guess-{answered}")
        except imaplib.IMAP4.abort:
            client = None
            answered += 1
            tried += 1
        except imaplib.IMAP4.error as e:
            answered += 1
            if "UNAVAILABLE" not in str(e):
                tried += 1
        except OSError:
            client = None
    return answered, tried


def owner_can_log_in(port):
    try:
        connect(port, OWNER).login(ACCOUNT, PASSWORD)
        return "yes"
    except (imaplib.IMAP4.error, OSError) as e:
        return f"no ({e})"


def mailhaven(archive, seconds, guarded):
    server = Mailhaven(archive, EmptyDns().address)
    if not guarded:
        server.env.update(MAILHAVEN_LOGIN_DELAY="0s", MAILHAVEN_LOGIN_FAILURES_PER_CLIENT="0",
                          MAILHAVEN_LOGIN_FAILURES_PER_ACCOUNT="0")
    try:
        server.start()
        server.run("bin/james-cli", "AddDomain", DOMAIN)
        server.run("bin/james-cli", "AddUser", ACCOUNT, PASSWORD)
        answered, tried = guess(server.ports["imap"], seconds)
        return answered, tried, owner_can_log_in(server.ports["imap"])
    finally:
        server.stop()
        server.remove()


def dovecot(seconds):
    install(["dovecot-core", "dovecot-imapd", "dovecot-lmtpd", "openssl"])
    peer = Dovecot(DOMAIN, ["victim"], PASSWORD)
    try:
        peer.start()
        wait_for_greeting(peer.imap_port)
        answered, tried = guess(peer.imap_port, seconds)
        return answered, tried, owner_can_log_in(peer.imap_port)
    finally:
        peer.stop()
        peer.remove()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--without-peer", action="store_true")
    parser.add_argument("--archive", default=default_archive())
    args = parser.parse_args()
    rows = [("Mailhaven (shipped)", mailhaven(args.archive, args.seconds, True)),
            ("Mailhaven, login guard off", mailhaven(args.archive, args.seconds, False))]
    if not args.without_peer:
        rows.append((f"Dovecot {package_version('dovecot-core')}", dovecot(args.seconds)))
    minutes = args.seconds / 60
    print(f"\nWrong IMAP passwords from one address for {args.seconds} s (sequential, STARTTLS):")
    print(f"{'server':<32}{'answered/min':>14}{'tried/min':>11}{'owner still logs in':>22}")
    for name, (answered, tried, owner) in rows:
        print(f"{name:<32}{answered / minutes:>14.0f}{tried / minutes:>11.1f}{owner:>22}")


if __name__ == "__main__":
    main()
