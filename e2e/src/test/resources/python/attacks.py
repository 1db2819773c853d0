"""What an attacker on the internet tries against a mail server, with Python's own clients
(smtplib, imaplib, poplib) and raw sockets. Used by SecurityIT: one probe per call,
'python3 attacks.py <job.json> <probe>'; it prints one 'key=value' line per finding.

The job names the server's ports, the accounts and the addresses to probe from: every address
of 127.0.0.0/8 is loopback on Linux, so each probe comes from a client address of its own."""
import base64
import imaplib
import json
import poplib
import smtplib
import socket
import ssl
import sys
import time

job = json.load(open(sys.argv[1]))
PORTS = job["ports"]
HOST = "127.0.0.1"
TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE


def say(key, value):
    print(f"{key}={value}".replace("\r", "\\r").replace("\n", "\\n"), flush=True)


def plain(user, password):
    return base64.b64encode(f"\0{user}\0{password}".encode()).decode()


class ManageSieve:
    """RFC 5804 over STARTTLS, as sieve-connect speaks it."""

    def __init__(self, source):
        self.sock = socket.create_connection((HOST, PORTS["managesieve"]), source_address=(source, 0), timeout=30)
        self.file = self.sock.makefile("rb")
        self.response()
        self.command("STARTTLS")
        self.sock = TLS.wrap_socket(self.sock)
        self.file = self.sock.makefile("rb")
        self.response()

    def response(self):
        lines = []
        while True:
            raw = self.file.readline()
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            lines.append(line)
            if not raw or line.startswith(("OK", "NO", "BYE")):
                return lines

    def command(self, text):
        self.sock.sendall(text.encode() + b"\r\n")
        return self.response()

    def login(self, user, password):
        return self.command(f'AUTHENTICATE "PLAIN" "{plain(user, password)}"')[-1]

    def put(self, name, script):
        data = script.encode()
        return self.command(f'PUTSCRIPT "{name}" {{{len(data)}+}}\r\n{script}')[-1]

    def close(self):
        self.sock.close()


def quoted(name):
    return name.replace("\\", "\\\\").replace('"', '\\"')


def sieve_names():
    """b tries to reach a's scripts through every command that takes a name."""
    owner = ManageSieve("127.0.0.1")
    assert owner.login(job["a"], job["password"]).startswith("OK")
    owner.put("mine", 'keep;\r\n')
    owner.command('SETACTIVE "mine"')
    owner.close()
    attacker = ManageSieve("127.0.0.2")
    assert attacker.login(job["b"], job["password"]).startswith("OK")
    a = job["a"]
    names = ["../" + a + "/mine", "..", ".", "../" + a, "..\\" + a + "\\mine", "/etc/passwd", ".active", ".quota",
             "%2e%2e%2f" + a + "%2fmine", "..%2f" + a + "%2fmine", "\u2024\u2024/" + a + "/mine",
             "\uff0e\uff0e\uff0f" + a + "\uff0fmine", "x\u0000y", "x\ry", "x\u2028y", "../../conf/x"]
    script = 'redirect :copy "' + job["b"] + '";\r\n'
    for name in names:
        q = quoted(name)
        say("PUTSCRIPT " + repr(name), attacker.put(q, script))
        for command in (f'GETSCRIPT "{q}"', f'SETACTIVE "{q}"', f'DELETESCRIPT "{q}"', f'HAVESPACE "{q}" 100',
                        f'RENAMESCRIPT "{q}" "other"', f'RENAMESCRIPT "other" "{q}"',
                        f'CHECKSCRIPT {{{len(script)}+}}\r\n{script}'):
            say(command.split(" ")[0] + " " + repr(name), attacker.command(command)[-1])
    say("attacker LISTSCRIPTS", "|".join(attacker.command("LISTSCRIPTS")))
    attacker.close()
    owner = ManageSieve("127.0.0.1")
    owner.login(job["a"], job["password"])
    say("owner LISTSCRIPTS", "|".join(owner.command("LISTSCRIPTS")))
    say("owner GETSCRIPT", "|".join(owner.command('GETSCRIPT "mine"')))
    owner.close()


def smtp_auth(port, starttls=False, implicit=False):
    client = (smtplib.SMTP_SSL(HOST, port, context=TLS, timeout=30) if implicit
              else smtplib.SMTP(HOST, port, timeout=30, source_address=("127.0.0.6", 0)))
    client.ehlo()
    if starttls:
        client.starttls(context=TLS)
        client.ehlo()
    code, reply = client.docmd("AUTH", "PLAIN " + plain(job["a"], job["password"]))
    client.close()
    return f"{code} {reply.decode()}"


def plaintext_logins():
    """The right password, sent where it would cross the network in clear text."""
    say("smtp before STARTTLS", smtp_auth(PORTS["smtp"]))
    say("smtp after STARTTLS", smtp_auth(PORTS["smtp"], starttls=True))
    say("submission before STARTTLS", smtp_auth(PORTS["submission"]))
    say("submission after STARTTLS", smtp_auth(PORTS["submission"], starttls=True))
    say("smtps", smtp_auth(PORTS["smtps"], implicit=True))
    imap = imaplib.IMAP4(HOST, PORTS["imap"])
    say("imap capabilities", " ".join(imap.capabilities))
    for attempt in (lambda: imap.login(job["a"], job["password"]),
                    lambda: imap.authenticate("PLAIN", lambda _: f"\0{job['a']}\0{job['password']}".encode())):
        try:
            say("imap before STARTTLS", attempt())
        except imaplib.IMAP4.error as e:
            say("imap before STARTTLS", f"refused {e}")
    pop = poplib.POP3(HOST, PORTS["pop3"])
    try:
        say("pop3 before STLS", pop.user(job["a"]))
    except poplib.error_proto as e:
        say("pop3 before STLS", f"refused {e}")
    sock = socket.create_connection((HOST, PORTS["managesieve"]), timeout=30)
    file = sock.makefile("rb")
    while not file.readline().startswith(b"OK"):
        pass
    sock.sendall(f'AUTHENTICATE "PLAIN" "{plain(job["a"], job["password"])}"\r\n'.encode())
    say("managesieve before STARTTLS", file.readline().decode().strip())


class Attempt:
    """One login attempt per protocol; returns 'ok', 'failed', 'blocked: <answer>' or 'closed'."""

    def __init__(self, protocol, source):
        self.protocol = protocol
        self.source = source
        self.client = None

    def connect(self):
        p, s = self.protocol, self.source
        if p == "smtp":
            self.client = smtplib.SMTP_SSL(HOST, PORTS["smtps"], context=TLS, timeout=60, source_address=(s, 0))
            self.client.ehlo()
        elif p == "imap":
            self.client = imaplib.IMAP4_SSL(HOST, PORTS["imaps"], ssl_context=TLS, timeout=60)
        elif p == "pop3":
            self.client = poplib.POP3_SSL(HOST, PORTS["pop3s"], context=TLS, timeout=60)
        else:
            self.client = ManageSieve(s)

    def login(self, user, password):
        if self.client is None:
            self.connect()
        p = self.protocol
        try:
            if p == "smtp":
                code, reply = self.client.docmd("AUTH", "PLAIN " + plain(user, password))
                text = reply.decode()
                if code == 235:
                    return "ok"
                if code in (421, 454):
                    if code == 421:
                        self.client = None
                    return f"blocked: {code} {text}"
                return "failed"
            if p == "imap":
                try:
                    self.client.login(user, password)
                    return "ok"
                except imaplib.IMAP4.abort:
                    raise
                except imaplib.IMAP4.error as e:
                    return f"blocked: {e}" if "UNAVAILABLE" in str(e) else "failed"
            if p == "pop3":
                try:
                    self.client.user(user)
                    self.client.pass_(password)
                    return "ok"
                except poplib.error_proto as e:
                    if "SYS/TEMP" in str(e):
                        self.client = None
                        return f"blocked: {e}"
                    return "failed"
            reply = self.client.login(user, password)
            if reply.startswith("OK"):
                return "ok"
            return f"blocked: {reply}" if "TRYLATER" in reply else "failed"
        except (OSError, EOFError, smtplib.SMTPException, imaplib.IMAP4.abort, poplib.error_proto):
            self.client = None
            return "closed"


def source_of(protocol):
    """IMAP and POP3 clients of the standard library cannot choose their source address: the
    Python process binds its sockets through this wrapper instead."""
    original = socket.create_connection

    def bound(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **kwargs):
        return original(address, timeout, source_address or (job["source"], 0), **kwargs)
    socket.create_connection = bound


def brute_force():
    """Wrong passwords for one account from one address: how many are answered as failures
    (each one a password tried) before the address is blocked, and how long that took."""
    protocol, attempts = job["protocol"], job["attempts"]
    source_of(protocol)
    attempt = Attempt(protocol, job["source"])
    failed = closed = 0
    blocked = None
    began = time.monotonic()
    for i in range(attempts):
        result = attempt.login(job["a"], f"wrong-{i}")
        if result == "failed":
            failed += 1
        elif result == "closed":
            closed += 1
        elif result.startswith("blocked"):
            blocked = blocked or result
        elif result == "ok":
            say("unexpected", "a wrong password was accepted")
    say("failed", failed)
    say("closed", closed)
    say("blocked", blocked)
    say("seconds", round(time.monotonic() - began, 2))


def login():
    """The right password for job['a'] from job['source']."""
    source_of(job["protocol"])
    say("result", Attempt(job["protocol"], job["source"]).login(job["a"], job["password"]))


def timing():
    """Seconds until a wrong-password answer, for a known and an unknown account (POP3: the
    answer comes before the pause after a failure)."""
    source_of("pop3")
    for label, user in (("known", job["a"]), ("unknown", "nobody-" + job["a"])):
        times = []
        for i in range(job["attempts"]):
            pop = poplib.POP3_SSL(HOST, PORTS["pop3s"], context=TLS, timeout=60)
            pop.user(user)
            began = time.monotonic()
            try:
                pop.pass_("wrong")
            except poplib.error_proto:
                pass
            times.append(time.monotonic() - began)
            pop.close()
        times.sort()
        say(label, round(times[len(times) // 2], 4))


def imap_connection(source="127.0.0.1"):
    sock = TLS.wrap_socket(socket.create_connection((HOST, PORTS["imaps"]), source_address=(source, 0), timeout=10))
    sock.recv(1000)
    return sock


def imap_exchange(sock, data, wait=1.5):
    """Sends data, returns everything the server answers within 'wait' seconds ('<EOF>' if it closed)."""
    if data:
        try:
            sock.sendall(data)
        except (ssl.SSLError, OSError):
            # The server may close while we still send (a refused literal): its answer is still readable.
            pass
    sock.settimeout(wait)
    answer = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return (answer + b"<EOF>").decode(errors="replace")
            answer += chunk
    except (socket.timeout, ssl.SSLError, ConnectionResetError):
        return answer.decode(errors="replace")


def imap_literals():
    """Literals and commands built to mislead the IMAP parser, before and after login."""
    injection = b"x SEARCH TEXT {1+}\r\na TEXT {1+}\r\nb TEXT {17+}\r\nz CREATE Injected\r\n"
    sock = imap_connection()
    imap_exchange(sock, f"a LOGIN {job['a']} {job['password']}\r\n".encode())
    say("injection before SELECT", imap_exchange(sock, injection))
    imap_exchange(sock, b"s SELECT INBOX\r\n")
    say("injection after SELECT", imap_exchange(sock, injection))
    say("LIST Injected", imap_exchange(sock, b'l LIST "" "Injected*"\r\n'))
    say("SEARCH nested 1000 deep", imap_exchange(sock, b"n SEARCH " + b"NOT " * 1000 + b"ALL\r\n", 5))
    say("SEARCH 1000 parentheses", imap_exchange(sock, b"p SEARCH " + b"(" * 1000 + b"ALL" + b")" * 1000 + b"\r\n", 5))
    say("SEARCH usual", imap_exchange(sock, b"u SEARCH OR (SUBJECT x) (NOT FROM y)\r\n"))
    sock.close()
    say("LOGIN with a 50 MiB literal", imap_exchange(imap_connection(), b"a LOGIN {52428800}\r\n"))
    say("LOGIN with a 50 MiB LITERAL+", imap_exchange(imap_connection(), b"a LOGIN {52428800+}\r\n" + b"x" * 65536))
    sock = imap_connection()
    imap_exchange(sock, f"a LOGIN {{{len(job['a'])}}}\r\n".encode())
    imap_exchange(sock, f"{job['a']} {{{len(job['password'])}}}\r\n".encode())
    say("LOGIN with two literals", imap_exchange(sock, f"{job['password']}\r\n".encode()))
    sock = imap_connection()
    say("LOGIN with LITERAL+ then NOOP", imap_exchange(sock, f"a LOGIN {{{len(job['a'])}+}}\r\n{job['a']} "
        f"{{{len(job['password'])}+}}\r\n{job['password']}\r\nb NOOP\r\n".encode()))


def imap_literal_flood():
    """Many unauthenticated connections that start big literals; a logged-in user meanwhile."""
    socks = []
    for i in range(job["connections"]):
        sock = imap_connection(f"127.0.1.{1 + i % 10}")
        try:
            sock.sendall(b"a LOGIN {52428800+}\r\n")
            sock.sendall(b"x" * 262144)
        except OSError:
            pass  # refused while sending
        socks.append(sock)
    answers = {}
    for sock in socks:
        try:
            answer = imap_exchange(sock, None, 0.5)
        except OSError as e:
            answer = f"error {e}"
        answers[answer] = answers.get(answer, 0) + 1
    say("answers", answers)
    imap = imaplib.IMAP4_SSL(HOST, PORTS["imaps"], ssl_context=TLS, timeout=30)
    imap.login(job["a"], job["password"])
    say("user meanwhile", imap.select("INBOX")[0])
    imap.logout()


GREETINGS = {"smtp": b"220", "imap": b"* OK", "pop3": b"+OK", "managesieve": b'"'}


def flood():
    """Idle connections from many addresses of one network; meanwhile a client from another
    network must still be served."""
    protocol, count = job["protocol"], job["connections"]
    sockets, admitted, refused, other = [], 0, 0, None
    for i in range(count):
        source = f"127.0.0.{2 + i % job['addresses']}"
        try:
            sock = socket.create_connection((HOST, PORTS[protocol]), source_address=(source, 0), timeout=10)
            sockets.append(sock)
            first = sock.recv(200)
            if first.startswith(GREETINGS[protocol]):
                admitted += 1
            else:
                refused += 1
                if i == count - 1 or refused == 1:
                    say("refusal", first.decode(errors="replace").strip())
        except OSError:
            refused += 1
    try:
        sock = socket.create_connection((HOST, PORTS[protocol]), source_address=("127.0.1.1", 0), timeout=10)
        other = sock.recv(200).decode(errors="replace").strip()
        sock.close()
    except OSError as e:
        other = f"error {e}"
    say("admitted", admitted)
    say("refused", refused)
    say("other network", other)
    for sock in sockets:
        sock.close()


{"sieve_names": sieve_names, "imap_literals": imap_literals, "imap_literal_flood": imap_literal_flood, "plaintext_logins": plaintext_logins, "brute_force": brute_force,
 "login": login, "timing": timing, "flood": flood}[sys.argv[2]]()
