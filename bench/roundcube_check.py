#!/usr/bin/env python3
"""Roundcube against Mailhaven: Debian's Roundcube webmail in headless Chromium, pass/FAIL per feature.

Roundcube is driven as a person would use it, against the unpacked distribution; each check says
pass or FAIL with what was seen.

What is checked, each through Roundcube's own pages (elastic skin):

  - login: alice@example.com logs in (IMAPS on loopback, the full address as user name).
  - special folders: Drafts, Sent, Trash, Junk and Archive are in the folder list with Roundcube's
    special-folder classes (drafts, sent, trash, junk, archive) and each its own icon, not the plain
    folder one (the skin draws the icon as the link's ::before, chosen by the class). Roundcube is
    configured with no folder names of its own (drafts_mbox, sent_mbox, junk_mbox, trash_mbox and
    the archive plugin's archive_mbox all null): it only knows them from the server's SPECIAL-USE
    attributes (RFC 6154), which it reads at login, as a stock installation does when they differ
    from its defaults. Sent and the others matching Roundcube's default names would hide a missing
    attribute; here they cannot.
  - no Spam folder: neither Roundcube's folder list nor the server's LIST "" "*" has a folder
    named Spam beside Junk (James' own defaults would add one).
  - threads: a conversation of three messages (each a reply to the one before, In-Reply-To and
    References set) and an unrelated one are delivered on the SMTP port from outside senders. The
    message list is switched to Threads in its List options dialog; the three must be one thread
    (Roundcube asks the server: THREAD=REFERENCES), collapsed under the first, and clicking the
    thread's expander must show the two replies.
  - filter saved: through Settings > Filters (the managesieve plugin), a new filter "subject
    contains [bench-filter] -> move to Archive" is saved; Roundcube must confirm it, and a fresh
    page (a new ManageSieve session, GETSCRIPT) must list it.
  - filter applied: afterwards, a message with that subject sent on the SMTP port must arrive in
    Archive (checked over IMAP).
  - vacation saved: Settings > Out of Office (managesieve_vacation = 1): a subject, a text, status
    On; Roundcube must confirm and a fresh page must show it on with that subject.
  - vacation reply: bob@example.com then writes to alice on the submission port (STARTTLS, AUTH);
    the automatic reply must reach bob's INBOX.
  - raw script error line: Filter set actions > Edit filter set (managesieve_raw_editor on), a
    script whose line 3 is the unknown command `filein`, Save. The server must refuse it and
    Roundcube must show which line is wrong: it parses "line N: ..." out of the server's NO
    answer, marks line N in the editor and puts the server's text in a dot's tooltip. Only the
    toast "Unable to save filter. Server error occurred." is a failure. The server's answer, from
    Roundcube's managesieve_debug log, is in the detail. This runs before the two delivery checks,
    which so also show that the refused script did not replace the saved one. (Roundcube 1.6's
    other way in, Add filter set > from file, parses the upload with its own Sieve parser first and
    on a refusal shows only "Unable to create filter set. Server error occurred." whatever the
    server said, so it tells nothing about the server and is not used.)

How: the archive is unpacked and started by bench/mailhaven.py (free loopback ports, EmptyDns as
its DNS), domain example.com and users alice and bob made with bin/james-cli. Roundcube runs
from Debian's files under PHP's built-in web server (php -S on a free loopback port, document
root /var/lib/roundcube/public_html as in Debian's apache.conf), with a private configuration
folder (ROUNDCUBE_CONFIG_DIR, which Debian's iniset.php reads instead of /etc/roundcube; Debian's
defaults.inc.php linked into it), a private SQLite database, logs and temp folder, all in a
temporary folder: the system's Roundcube configuration is neither read nor changed. IMAP is
ssl://127.0.0.1:<imaps>, SMTP tls://127.0.0.1:<submission>, ManageSieve tls://127.0.0.1:<port>
(Roundcube 1.6's way to ask for STARTTLS: Mailhaven refuses passwords before TLS), certificate
checks off for the self-signed certificate; plugins archive and managesieve; imap_debug and
managesieve_debug on. The browser half is bench/roundcube/check.mjs, playwright-core (npm,
pinned in bench/roundcube/package.json, installed into --node-cache, outside the repository)
driving Debian's /usr/bin/chromium.

Missing Debian packages (roundcube-core, roundcube-sqlite3, roundcube-plugins, php-cli,
php-sqlite3, php-intl, php-mbstring, chromium; nodejs and npm when there is no node) are
installed with apt-get, which needs root; the rest does not. Each check's screenshot, Roundcube's
logs and james.log are copied to --output-dir when a check fails (always with --keep-screenshots).
Exits 1 when a check fails. Everything started (server, php, node, Chromium) is stopped at the
end, whatever happened.

Usage: bench/roundcube_check.py [--archive PATH] [--output-dir DIR] [--keep-screenshots]
                                [--node-cache DIR] [--timeout SECS] [--keep] [--no-install]
"""
import argparse
import datetime
import email.utils
import imaplib
import json
import os
import re
import secrets
import shutil
import signal
import smtplib
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from email.message import EmailMessage

from mailhaven import EmptyDns, Mailhaven, default_archive, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER_DIR = os.path.join(HERE, "roundcube")
DOMAIN = "example.com"
ALICE, ALICE_PASSWORD = f"alice@{DOMAIN}", "secretA1"
BOB, BOB_PASSWORD = f"bob@{DOMAIN}", "secretB1"
PACKAGES = ["roundcube-core", "roundcube-sqlite3", "roundcube-plugins", "php-cli", "php-sqlite3", "php-intl",
            "php-mbstring", "chromium"]
CHROMIUM = "/usr/bin/chromium"
ROUNDCUBE_ROOT = "/var/lib/roundcube/public_html"  # Debian's document root
ROUNDCUBE_SQL = "/usr/share/roundcube/SQL/sqlite.initial.sql"
ROUNDCUBE_DEFAULTS = "/etc/roundcube/defaults.inc.php"

SPECIAL = {"Drafts": "drafts", "Sent": "sent", "Trash": "trash", "Junk": "junk", "Archive": "archive"}
THREAD = ["Lunch plans for Friday", "Re: Lunch plans for Friday", "Re: Re: Lunch plans for Friday"]
UNRELATED = "Quarterly figures"
FILTER = {"name": "Bench filter", "subject": "[bench-filter]", "folder": "Archive"}
FILTERED_SUBJECT = "[bench-filter] weekly report"
VACATION = {"subject": "Away until Monday", "body": "I am out of the office and will answer on Monday."}
VACATION_TRIGGER = "Meeting on Thursday?"
RAW_LINE = 3
RAW_SCRIPT = 'require ["fileinto"];\nif header :contains "subject" "invoice" {\n  filein "Junk";\n}\n'

ORDER = ["login", "special folders", "no Spam folder", "threads", "filter saved", "filter applied",
         "vacation saved", "vacation reply", "raw script error line"]


# --- installation -----------------------------------------------------------------------------

def installed(package):
    result = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", package], capture_output=True, text=True)
    return result.returncode == 0 and result.stdout.endswith("installed")


def ensure_packages(allowed):
    missing = [p for p in PACKAGES if not installed(p)]
    if not (shutil.which("node") and shutil.which("npm")):
        missing += ["nodejs", "npm"]  # only then: a node from elsewhere may bring its own npm
    if not missing:
        return
    if not allowed:
        sys.exit(f"missing packages: {' '.join(missing)} (run without --no-install, as root)")
    if os.geteuid() != 0:
        sys.exit(f"missing packages: {' '.join(missing)}; apt-get needs root")
    print(f"installing {' '.join(missing)} ...", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    wait = ["-o", "DPkg::Lock::Timeout=900"]  # another apt-get may be running
    for command in (["apt-get", *wait, "update", "-q"],
                    ["apt-get", *wait, "install", "-y", "-q", "--no-install-recommends", *missing]):
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            sys.exit(f"{' '.join(command[:4])} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def ensure_playwright(cache):
    """playwright-core at the version bench/roundcube/package.json pins, in cache/node_modules."""
    with open(os.path.join(BROWSER_DIR, "package.json")) as f:
        wanted = json.load(f)["dependencies"]["playwright-core"]
    have = None
    try:
        with open(os.path.join(cache, "node_modules", "playwright-core", "package.json")) as f:
            have = json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        pass
    if have != wanted:
        print(f"installing playwright-core {wanted} into {cache} ...", file=sys.stderr)
        os.makedirs(cache, exist_ok=True)
        shutil.copy(os.path.join(BROWSER_DIR, "package.json"), os.path.join(cache, "package.json"))
        result = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=cache,
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"npm install in {cache} failed:\n{result.stdout}{result.stderr}")
    return wanted


def package_version(package):
    result = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True)
    return result.stdout.strip() or "?"


# --- Roundcube under php -S ---------------------------------------------------------------------

def php_string(value):
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


class Roundcube:
    """Debian's Roundcube under PHP's built-in web server, with its configuration, database, logs
    and temp folder in a private temporary folder."""

    def __init__(self, ports, work):
        self.dir = work
        self.config = os.path.join(work, "config")
        self.logs = os.path.join(work, "logs")
        for folder in (self.config, self.logs, os.path.join(work, "temp")):
            os.makedirs(folder)
        os.symlink(ROUNDCUBE_DEFAULTS, os.path.join(self.config, "defaults.inc.php"))
        database = os.path.join(work, "roundcube.db")
        with open(ROUNDCUBE_SQL) as schema, sqlite3.connect(database) as db:
            db.executescript(schema.read())
        no_verify = "['ssl' => ['verify_peer' => false, 'verify_peer_name' => false, 'allow_self_signed' => true]]"
        settings = {
            "db_dsnw": php_string(f"sqlite:///{database}?mode=0600"),
            "imap_host": php_string(f"ssl://127.0.0.1:{ports['imaps']}"),
            "imap_conn_options": no_verify,
            "smtp_host": php_string(f"tls://127.0.0.1:{ports['submission']}"),
            "smtp_user": "'%u'",
            "smtp_pass": "'%p'",
            "smtp_conn_options": no_verify,
            "managesieve_host": php_string(f"tls://127.0.0.1:{ports['managesieve']}"),
            "managesieve_conn_options": no_verify,
            "managesieve_raw_editor": "true",
            "managesieve_vacation": "1",
            "managesieve_debug": "true",
            "imap_debug": "true",
            "log_driver": "'file'",
            "log_dir": php_string(self.logs + "/"),
            "temp_dir": php_string(os.path.join(work, "temp") + "/"),
            "des_key": php_string(secrets.token_hex(12)),
            "plugins": "['archive', 'managesieve']",
            "skin": "'elastic'",
            "language": "'en_US'",
            "enable_spellcheck": "false",
            "support_url": "''",
            # Special folders only from the server's SPECIAL-USE attributes (see the docstring).
            "drafts_mbox": "null",
            "sent_mbox": "null",
            "junk_mbox": "null",
            "trash_mbox": "null",
            "archive_mbox": "null",
            "create_default_folders": "false",
        }
        with open(os.path.join(self.config, "config.inc.php"), "w") as f:
            f.write("<?php\n$config = [];\n")
            f.writelines(f"$config['{key}'] = {value};\n" for key, value in settings.items())
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = None

    def start(self):
        env = dict(os.environ, ROUNDCUBE_CONFIG_DIR=self.config,
                   PHP_CLI_SERVER_WORKERS="4")  # Roundcube's pages make parallel requests
        self.output = open(os.path.join(self.logs, "php-server.log"), "w")
        self.process = subprocess.Popen(["php", "-S", f"127.0.0.1:{self.port}", "-t", ROUNDCUBE_ROOT],
                                        stdout=self.output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env=env, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if b"rcmloginuser" in response.read():
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"Roundcube does not answer on {self.url}; see {self.output.name}")
            time.sleep(0.2)

    def stop(self):
        if self.process and self.process.poll() is None:
            stop_group(self.process)
        if self.process:
            self.output.close()

    def log(self, name):
        try:
            with open(os.path.join(self.logs, name), errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def stop_group(process, grace=5):
    """Ends a process started with start_new_session=True and everything in its process group."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def kill_by_argument(argument):
    """Kills the processes whose command line has argument (a temporary path only ours have): the
    Chromium that Playwright starts in a process group of its own, should node die without
    closing it."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if argument.encode() in f.read():
                    os.kill(int(pid), signal.SIGKILL)
        except OSError:
            continue


# --- mail ---------------------------------------------------------------------------------------

def no_verify():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def message(sender, recipient, subject, body, when, message_id=None, parents=()):
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, recipient, subject
    m["Date"] = email.utils.formatdate(when)
    m["Message-ID"] = message_id or email.utils.make_msgid(domain=sender.split("@")[1])
    if parents:
        m["In-Reply-To"] = parents[-1]
        m["References"] = " ".join(parents)
    m.set_content(body)
    return m


def send_from_outside(port, messages):
    """Port 25, as mail from other servers: senders outside the server's domains (a local sender
    there, unauthenticated, is a forgery and goes to Junk)."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for m in messages:
            smtp.send_message(m)


def thread_messages():
    now = time.time()
    ids, messages = [], []
    senders = ["bob@example.net", "carol@example.org", "bob@example.net"]
    for i, (subject, sender) in enumerate(zip(THREAD, senders)):
        mid = email.utils.make_msgid(domain=sender.split("@")[1])
        messages.append(message(sender, ALICE, subject, f"Message {i + 1} of the conversation.\n",
                                now - 3600 + 300 * i, mid, list(ids)))
        ids.append(mid)
    messages.append(message("dave@example.org", ALICE, UNRELATED, "Not part of the conversation.\n", now - 1800))
    return messages


class Imap:
    def __init__(self, port, user, password):
        self.imap = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=no_verify(), timeout=30)
        self.imap.login(user, password)

    def folders(self, special_use=False):
        """(name, attributes) of every mailbox; special_use: LIST ... RETURN (SPECIAL-USE), as
        Roundcube asks (RFC 6154 leaves the attributes in a plain LIST to the server)."""
        if special_use:
            typ, data = self.imap._simple_command("LIST", '""', '"*"', "RETURN", "(SPECIAL-USE)")
            typ, data = self.imap._untagged_response(typ, data, "LIST")
        else:
            typ, data = self.imap.list('""', '"*"')
        result = []
        for line in data or []:
            text = line.decode(errors="replace") if isinstance(line, bytes) else str(line)
            m = re.match(r'\((?P<flags>[^)]*)\) (?:"[^"]*"|NIL) (?P<name>.+)$', text)
            if m:
                result.append((m.group("name").strip('"'), m.group("flags").split()))
        return result

    def count(self, folder, subject):
        typ, _ = self.imap.select(f'"{folder}"', readonly=True)
        if typ != "OK":
            return 0
        typ, data = self.imap.search(None, "SUBJECT", '"' + subject.replace('"', '') + '"')
        return len(data[0].split()) if typ == "OK" and data and data[0] else 0

    def where(self, subject):
        return [name for name, _ in self.folders() if self.count(name, subject)]

    def wait(self, folder, subject, timeout):
        """Seconds until a message with subject is in folder, or None after timeout."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.count(folder, subject):
                return time.monotonic() - began
            time.sleep(0.5)
        return None

    def close(self):
        try:
            self.imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


# --- the checks the browser cannot do -----------------------------------------------------------

def spam_check(imaps, ui_folders):
    imap = Imap(imaps, ALICE, ALICE_PASSWORD)
    try:
        folders = imap.folders(special_use=True)
        plain = imap.folders()
    finally:
        imap.close()
    kinds = ("\\Drafts", "\\Sent", "\\Trash", "\\Junk", "\\Archive")
    names = [name for name, _ in folders]
    spam = [n for n in names if n.lower().split(".")[-1] == "spam"]
    ui_spam = [n for n in (ui_folders or []) if n.lower() == "spam"]
    junk = [name for name, flags in folders if "\\Junk" in flags]
    flagged = ", ".join(f"{name} {' '.join(f for f in flags if f in kinds)}"
                        for name, flags in folders if any(f in kinds for f in flags))
    in_plain = sum(1 for _, flags in plain if any(f in kinds for f in flags))
    ok = not spam and not ui_spam and len(junk) == 1
    detail = (f"server: {', '.join(names)}; RETURN (SPECIAL-USE): {flagged or 'none'}; "
              f"plain LIST: {in_plain} special-use attribute(s)"
              + ("" if ui_folders is not None else "; Roundcube's list not read"))
    if spam or ui_spam:
        detail = f"Spam folder present (server: {spam or '-'}, Roundcube: {ui_spam or '-'}); " + detail
    elif len(junk) != 1:
        detail = f"{len(junk)} folders marked \\Junk; " + detail
    return ok, detail


def filter_applied(ports, timeout):
    send_from_outside(ports["smtp"], [message("erin@example.net", ALICE, FILTERED_SUBJECT, "Filed by the filter.\n",
                                              time.time())])
    imap = Imap(ports["imaps"], ALICE, ALICE_PASSWORD)
    try:
        secs = imap.wait(FILTER["folder"], FILTERED_SUBJECT, timeout)
        if secs is not None:
            return True, f'"{FILTERED_SUBJECT}" from outside arrived in {FILTER["folder"]} after {secs:.1f} s'
        found = imap.where(FILTERED_SUBJECT)
        return False, (f'"{FILTERED_SUBJECT}" not in {FILTER["folder"]} after {timeout} s; '
                       f"found in: {', '.join(found) or 'no folder'}")
    finally:
        imap.close()


def vacation_reply(ports, timeout):
    with smtplib.SMTP("127.0.0.1", ports["submission"], timeout=30) as smtp:
        smtp.starttls(context=no_verify())
        smtp.login(BOB, BOB_PASSWORD)
        smtp.send_message(message(BOB, ALICE, VACATION_TRIGGER, "Shall we meet?\n", time.time()))
    imap = Imap(ports["imaps"], BOB, BOB_PASSWORD)
    try:
        secs = imap.wait("INBOX", VACATION["subject"], timeout)
        if secs is not None:
            imap.imap.select("INBOX", readonly=True)
            typ, data = imap.imap.search(None, "SUBJECT", f'"{VACATION["subject"]}"')
            typ, header = imap.imap.fetch(data[0].split()[-1], "(BODY.PEEK[HEADER.FIELDS (FROM AUTO-SUBMITTED)])")
            fields = " ".join(header[0][1].decode(errors="replace").split())
            return True, f'bob wrote on the submission port; reply "{VACATION["subject"]}" in his INBOX after {secs:.1f} s ({fields})'
        found = imap.where(VACATION["subject"])
        return False, (f'no reply "{VACATION["subject"]}" in {BOB}\'s INBOX after {timeout} s'
                       + (f" (found in: {', '.join(found)})" if found else ""))
    finally:
        imap.close()


def sieve_exchange(log):
    """Roundcube's managesieve_debug log: the PUTSCRIPT of the broken script and the answer."""
    lines = log.splitlines()
    for i in range(len(lines) - 1, -1, -1):
        if "C: PUTSCRIPT" in lines[i] and any("filein" in line for line in lines[i:i + 6]):
            command = re.sub(r"^.*?C: ", "", lines[i])
            for line in lines[i + 1:i + 12]:
                if re.search(r"> S: (NO|OK|BYE)", line):
                    return command, re.sub(r"^.*?S: ", "", line)
            return command, "(no answer logged)"
    return None, None


# --- run ----------------------------------------------------------------------------------------

def run_browser(roundcube, work, cache, timeout):
    config = {
        "node_cache": cache, "chromium": CHROMIUM, "url": roundcube.url, "user": ALICE, "password": ALICE_PASSWORD,
        "shots": os.path.join(work, "shots"), "profile": os.path.join(work, "chromium-profile"),
        "timeout_ms": 20000, "special": SPECIAL, "thread": THREAD, "filter": FILTER, "vacation": VACATION,
        "raw": {"script": RAW_SCRIPT, "line": RAW_LINE},
    }
    config_path = os.path.join(work, "browser.json")
    with open(config_path, "w") as f:
        json.dump(config, f)
    stderr_path = os.path.join(work, "browser.log")
    with open(stderr_path, "w") as stderr:
        process = subprocess.Popen(["node", os.path.join(BROWSER_DIR, "check.mjs"), config_path],
                                   stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, text=True,
                                   start_new_session=True)
        try:
            out, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_group(process)
            out = ""
        finally:
            if process.poll() is None:
                stop_group(process)
            kill_by_argument(config["profile"])
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            result = json.loads(line)
            return result.get("checks", []), result.get("fatal")
    with open(stderr_path) as f:
        tail = " ".join(f.read().split()[-40:])
    return [], f"browser script gave no result (exit {process.returncode}, after at most {timeout} s): {tail}"


def keep_artifacts(output, work, roundcube, server):
    os.makedirs(output, exist_ok=True)
    shots = os.path.join(work, "shots")
    if os.path.isdir(shots):
        for name in sorted(os.listdir(shots)):
            shutil.copy(os.path.join(shots, name), output)
    for source in [os.path.join(roundcube.logs, name) for name in sorted(os.listdir(roundcube.logs))] + [
            os.path.join(work, "browser.log"), os.path.join(server.home, "log", "james.log")]:
        if os.path.isfile(source):
            target = os.path.basename(source)
            shutil.copy(source, os.path.join(output, "roundcube-" + target if source.startswith(roundcube.logs) else target))


def clip(text, width):
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 3] + "..."


def print_table(rows, width):
    name_width = max(len("check"), *(len(r[0]) for r in rows))
    print(f"{'check':<{name_width}}  result  detail")
    print(f"{'-' * name_width}  ------  {'-' * 6}")
    for name, ok, detail in rows:
        print(f"{name:<{name_width}}  {'pass' if ok else 'FAIL':<6}  {clip(detail, width)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archive", default=default_archive())
    parser.add_argument("--output-dir", default="roundcube-check-output",
                        help="where screenshots and logs go when a check fails")
    parser.add_argument("--keep-screenshots", action="store_true", help="copy them to --output-dir even when all pass")
    parser.add_argument("--node-cache", default="/tmp/roundcube-node", help="where playwright-core is installed")
    parser.add_argument("--timeout", type=int, default=300, help="seconds the browser part may take")
    parser.add_argument("--delivery-timeout", type=int, default=30, help="seconds to wait for each test message")
    parser.add_argument("--keep", action="store_true", help="keep the unpacked server and Roundcube's folder")
    parser.add_argument("--no-install", action="store_true", help="fail instead of running apt-get")
    parser.add_argument("--width", type=int, default=260, help="longest detail printed")
    options = parser.parse_args()

    began = time.monotonic()
    # A plain kill runs the clean-up below too: server, php, node and Chromium are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ensure_packages(not options.no_install)
    cache = os.path.abspath(options.node_cache)
    playwright = ensure_playwright(cache)
    dns = EmptyDns()
    try:
        server = Mailhaven(options.archive, dns=dns.address)
    except subprocess.CalledProcessError:
        dns.process.terminate()
        sys.exit(f"cannot unpack {options.archive} (being rebuilt?)")
    work = tempfile.mkdtemp(prefix="roundcube-check-")
    roundcube = None
    rows = {}
    try:
        server.start()
        for command in (["AddDomain", DOMAIN], ["AddUser", ALICE, ALICE_PASSWORD], ["AddUser", BOB, BOB_PASSWORD]):
            result = server.run("bin/james-cli", *command)
            if result.returncode != 0:
                sys.exit(f"james-cli {command[0]} failed:\n{result.stdout}{result.stderr}")
        send_from_outside(server.ports["smtp"], thread_messages())
        imap = Imap(server.ports["imaps"], ALICE, ALICE_PASSWORD)
        try:
            for subject in THREAD + [UNRELATED]:
                if imap.wait("INBOX", subject, options.delivery_timeout) is None:
                    print(f"warning: \"{subject}\" not in INBOX (in: {', '.join(imap.where(subject)) or 'none'})",
                          file=sys.stderr)
        finally:
            imap.close()

        roundcube = Roundcube(server.ports, os.path.join(work, "roundcube"))
        roundcube.start()
        browser_checks, fatal = run_browser(roundcube, work, cache, options.timeout)
        by_name = {c["name"]: c for c in browser_checks}
        for c in browser_checks:
            rows[c["name"]] = (c["ok"], c["detail"])

        ui_folders = (by_name.get("special folders") or {}).get("data") or {}
        rows["no Spam folder"] = spam_check(server.ports["imaps"], ui_folders.get("folders"))
        rows["filter applied"] = filter_applied(server.ports, options.delivery_timeout)
        rows["vacation reply"] = vacation_reply(server.ports, options.delivery_timeout)

        command, answer = sieve_exchange(roundcube.log("sieve.log"))
        if "raw script error line" in rows and answer:
            ok, detail = rows["raw script error line"]
            rows["raw script error line"] = (ok, f"{detail}; Roundcube sent {command}, server: {answer}")
        for name in ORDER:
            rows.setdefault(name, (False, f"not run: {fatal or 'an earlier step failed'}"))

        table = [(name, *rows[name]) for name in ORDER] + [(n, *r) for n, r in rows.items() if n not in ORDER]
        failed = [name for name, ok, _ in table if not ok]
        print(f"# Roundcube {package_version('roundcube-core')} against Mailhaven, {datetime.date.today()}")
        print(f"archive {options.archive}; Chromium {package_version('chromium')}, playwright-core {playwright}, "
              f"PHP {package_version('php-cli')}")
        print()
        print_table(table, options.width)
        print()
        # Roundcube logs the refused script's error here, and PHP 8.2 a deprecation in PEAR.php.
        errors = [line for line in roundcube.log("errors.log").splitlines() if line.strip()]
        other = [line for line in errors if "filein" not in line and "PHP Deprecated" not in line]
        print(f"Roundcube's errors.log: {len(errors)} line(s), {len(other)} other than the refused script's"
              f" error and PHP deprecation notices" + (f"; first: {clip(other[0], 200)}" if other else ""))
        print(f"{len(table) - len(failed)} passed, {len(failed)} failed ({time.monotonic() - began:.0f} s)")
        if failed or options.keep_screenshots:
            keep_artifacts(options.output_dir, work, roundcube, server)
            print(f"screenshots and logs: {os.path.abspath(options.output_dir)}")
        return 1 if failed else 0
    finally:
        if roundcube:
            roundcube.stop()
        server.stop()
        dns.process.terminate()
        if options.keep:
            print(f"kept: {server.home}, {work}", file=sys.stderr)
        else:
            server.remove()
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
