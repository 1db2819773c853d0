#!/usr/bin/env python3
"""IMAP protocol compliance: Dovecot imaptest's scripted tests (the files in its src/tests/)
against Mailhaven and against a private Dovecot 2.3 from Debian, same machine, same run.

Each test file is a small IMAP script: a header (the capabilities it needs, how many connections,
the state to start in: not logged in, logged in, mailbox created, or selected with the messages of
the file's .mbox or of default.mbox appended), then commands with the tagged and untagged replies
they must get. imaptest first deletes every mailbox matching "imaptest*" and works in "imaptest".
It stops a file at the first reply that does not match and prints what it expected and what the
server said; a file whose capabilities the server does not announce after login is skipped.

imaptest is in no package registry: give it the path of its public source, as for
bench/imaptest_stress.py, which builds it (once, into --build) and whose user and password this
script uses. imaptest is run once per file (test=<file>, the same as test=<dir> but with a
verdict, a time limit and a fresh user for each file, so that one file's leftovers or hang cannot
decide the next one's result); the broken/ folder, which imaptest's own test=<dir> ignores, is
left out. Over IMAPS (Mailhaven refuses passwords before TLS, the private Dovecot too).
urlauth2 needs a second user (imaptest's user2=), which it gets.

For each file: pass, fail (with the first mismatch imaptest printed) or skipped (with the
capabilities missing from the server's CAPABILITY after login); imaptest's "Error:" complaints
about files that pass (e.g. a keyword used before FLAGS announced it); the ERROR and WARN lines
Mailhaven's log/james.log gained during the file (a failed request's stack trace is a WARN), the
errors in Dovecot's log. Then the counts, and the files that pass on Dovecot but fail on
Mailhaven, which is the to-do list. The output file adds each failure's whole imaptest block.

Each system's run (start, users, all files, stop) holds an exclusive lock on /tmp/cpu.lock
(--lock), as does building imaptest, so that it does not share the CPUs with other heavy jobs that
take it; while waiting it says which processes have the file open.

Needs root (apt-get, the private Dovecot), openssl, the archive (mvn -B package -DskipTests).

Usage: sudo bench/imaptest_compliance.py --imaptest PATH [--tests NAME,...] [--only mailhaven|peer]
                                         [--output FILE] [--archive PATH] [--keep] [--timeout SECS]
                                         [--lock FILE]
"""
import argparse
import contextlib
import datetime
import fcntl
import imaplib
import os
import re
import ssl
import subprocess
import sys
import time

from imaptest_stress import DOMAIN, PASSWORD, build, ensure_packages
from mailhaven import EmptyDns, Mailhaven, default_archive
from peers import Dovecot, package_version, wait_for_greeting

LOCK = "/tmp/cpu.lock"  # --lock
PROBE_USER = "probe"  # logs in once to read the capabilities the tests are checked against


@contextlib.contextmanager
def cpu_lock():
    """Holds an exclusive flock on LOCK (/tmp/cpu.lock): heavy steps of concurrent jobs take turns."""
    with open(LOCK, "a") as f:  # not inherited: the servers started under it do not keep it
        began = time.monotonic()
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for {LOCK}, which is open in {lock_holders(f)}", file=sys.stderr)
            fcntl.flock(f, fcntl.LOCK_EX)
            print(f"(waited {time.monotonic() - began:.0f} s for {LOCK})", file=sys.stderr)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def lock_holders(f):
    """The processes that have the lock file open, holders and waiters (a daemon started under
    `flock FILE command` inherits the lock and keeps it as long as it runs)."""
    inode = os.fstat(f.fileno()).st_ino
    holders = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target == LOCK and int(pid) != os.getpid() and os.stat(target).st_ino == inode:
                    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                        command = " ".join(cmdline.read().replace(b"\0", b" ").decode(errors="replace").split())
                    holders.append(f"{pid} ({command[:80]})")
                    break
        except OSError:
            continue
    return ", ".join(holders) or "?"


def test_files(folder, wanted):
    """The test scripts in imaptest's src/tests, in imaptest's order: every file that is not
    an .mbox (the messages of the test of that name) and not hidden."""
    names = sorted(name for name in os.listdir(folder)
                   if not name.startswith(".") and not name.endswith(".mbox")
                   and os.path.isfile(os.path.join(folder, name)))
    if wanted:
        unknown = [name for name in wanted if name not in names]
        if unknown:
            sys.exit(f"no such test in {folder}: {', '.join(unknown)}")
        names = [name for name in names if name in wanted]
    return names


def header(path):
    """The settings before a test file's first empty line that decide whether it runs: the
    capabilities it needs and whether one of its connections is the second user."""
    capabilities, user2 = [], False
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("latin-1").rstrip("\n")
            if not line:
                break
            if line.startswith("#"):
                continue
            key, _, value = line.partition(":")
            key, value = key.strip().lower(), value.strip()
            if key == "capabilities":
                capabilities = value.split()
            elif key.startswith("user ") and value in ("$user2", "${user2}"):
                user2 = True
    return capabilities, user2


def plan(folder, names):
    """Per test: its name, path, needed capabilities and its own user(s)."""
    tests = []
    for index, name in enumerate(names, 1):
        capabilities, needs_user2 = header(os.path.join(folder, name))
        tests.append({"name": name, "path": os.path.join(folder, name), "capabilities": capabilities,
                      "user": f"t{index}@{DOMAIN}", "user2": f"t{index}b@{DOMAIN}" if needs_user2 else None})
    return tests


def local_parts(tests):
    users = [PROBE_USER]
    for test in tests:
        users += [u.split("@")[0] for u in (test["user"], test["user2"]) if u]
    return users


def server_capabilities(port):
    """CAPABILITY after login, as imaptest checks a test's "capabilities:" against it."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    imap = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=context, timeout=30)
    imap.login(f"{PROBE_USER}@{DOMAIN}", PASSWORD)
    typ, data = imap.capability()
    imap.logout()
    return data[0].decode().split() if typ == "OK" else []


def run_test(binary, port, test, timeout):
    args = [binary, "host=127.0.0.1", f"port={port}", "ssl=any-cert", f"user={test['user']}",
            f"pass={PASSWORD}", f"test={test['path']}"]
    if test["user2"]:
        args.append(f"user2={test['user2']}")
    env = dict(os.environ, LD_LIBRARY_PATH="/usr/lib/dovecot")  # imaptest links Dovecot's libdovecot.so
    began = time.monotonic()
    try:
        result = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=timeout, env=env)
        output, rc = result.stdout, result.returncode
        errors = result.stderr
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout.decode(errors="replace") if isinstance(expired.stdout, bytes) else expired.stdout or ""
        errors = expired.stderr.decode(errors="replace") if isinstance(expired.stderr, bytes) else expired.stderr or ""
        rc = None
    outcome = verdict(output, errors, rc, timeout)
    outcome["secs"] = time.monotonic() - began
    return outcome


def clip(text, width):
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."


def verdict(output, errors, rc, timeout):
    """imaptest prints "N test groups: F failed, S skipped due to missing capabilities" at the end,
    and for a failure, on standard error, "*** Test NAME initialization failed: ..." or a block
    "*** Test NAME command i/n (line L)", " - failed: ...", for missing replies " - first
    unexpanded: ...", " - first expanded: ...", " - best match: ...", and last " - Command: ..."
    (the replies may be literals of several lines). Its other complaints start with "Error:"."""
    lines = errors.splitlines()
    block = []
    first = errors.find("*** Test ")
    if first >= 0:
        text = errors[first:]
        end = re.search(r"\n - Command[^\n]*", text)
        if "initialization failed" in text.split("\n", 1)[0] or not end:
            text = text.split("\n", 1)[0]
        else:
            text = text[:end.end()]
        block = text.split("\n")
    other = [line for line in lines if re.match(r"(Error|Fatal|Panic|Warning):", line)]
    summary = re.search(r"(\d+) test groups: (\d+) failed, (\d+) skipped", output)
    # A skipped file is not counted as skipped (imaptest 924f619 logs out without finishing the
    # test), but it ran no command: "base protocol: 0/0 ...", "extensions: 0/0 ...".
    ran = sum(int(n) for n in re.findall(r": \d+/(\d+) individual commands failed", output))
    detail = [clip(line, 400) for line in block[:30]] + [clip(line, 400) for line in other[:5]]
    notes = "; ".join(clip(line.split(": ", 2)[-1], 100) for line in other[:2])
    if rc is None:
        return {"result": "fail", "reason": f"no result after {timeout} s" + (": " + short(block) if block else ""),
                "detail": detail, "notes": notes}
    if summary and int(summary.group(2)):
        return {"result": "fail", "reason": short(block) if block else "failed (no detail printed)",
                "detail": detail, "notes": notes}
    if summary and (int(summary.group(3)) or not ran):
        return {"result": "skipped", "reason": "", "detail": detail, "notes": notes}
    if summary and rc == 0:
        return {"result": "pass", "reason": "", "detail": detail, "notes": notes}
    tail = other[-1] if other else (lines[-1] if lines else f"exit status {rc}")
    if rc < 0:
        tail = f"imaptest killed by signal {-rc}: {tail}"
    return {"result": "fail", "reason": clip(tail, 200), "notes": notes,
            "detail": detail or [clip(line, 400) for line in lines[-8:]]}


def short(block):
    """One line from a failure block: where, the failure, what was wanted and what came, the command."""
    if "initialization failed" in block[0]:
        return clip("setup: " + block[0].split("initialization failed:", 1)[1], 240)
    fields = {}
    for part in "\n".join(block[1:]).split("\n - "):
        key, _, value = part.strip().lstrip("- ").partition(":")
        fields.setdefault("Command" if key.startswith("Command") else key.strip(), value.strip())
    where = re.search(r"\(line (\d+)\)", block[0])
    parts = [f"line {where.group(1)}" if where else block[0]]
    if "Command" in fields:
        parts[0] += f" `{clip(fields['Command'], 70)}`"
    parts.append(clip(fields.get("failed", ""), 110))
    if fields.get("first expanded"):
        parts.append("expected " + clip(fields["first expanded"], 100))
    if "best match" in fields:
        parts.append("best match " + (clip(fields["best match"], 100) or "(none)"))
    return "; ".join(parts)


def log_offset(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def new_lines(path, offset, pattern):
    """The lines matching pattern that the log gained after offset, each with the first line
    that follows it if that one continues it (an exception's class and message)."""
    found = []
    try:
        with open(path, errors="replace") as f:
            f.seek(offset)
            lines = f.read().splitlines()
    except OSError:
        return found
    for i, line in enumerate(lines):
        if re.search(pattern, line):
            if i + 1 < len(lines) and re.match(r"\s|[\w.$]+(Exception|Error)\b", lines[i + 1]):
                line += " / " + lines[i + 1].strip()
            found.append(line)
    return found


def run_all(binary, port, tests, capabilities, timeout, log, pattern):
    results = {}
    for test in tests:
        offset = log_offset(log)
        outcome = run_test(binary, port, test, timeout)
        if outcome["result"] == "skipped":
            have = {c.upper() for c in capabilities}
            missing = [c for c in test["capabilities"] if c.upper() not in have]
            outcome["reason"] = " ".join(missing) or ("second user" if test["user2"] else "?")
        outcome["log"] = new_lines(log, offset, pattern)
        results[test["name"]] = outcome
        print(f"  {test['name']}: {outcome['result']} {outcome['reason']}", file=sys.stderr)
    return results


def mailhaven_results(archive, binary, tests, timeout, keep):
    with cpu_lock():
        began = time.monotonic()
        server = Mailhaven(archive, dns=EmptyDns().address)
        server.env["MAILHAVEN_IMAP_CONNECTIONS_PER_CLIENT"] = "100"
        server.start()
        try:
            for command in [["AddDomain", DOMAIN]] + [["AddUser", f"{user}@{DOMAIN}", PASSWORD]
                                                     for user in local_parts(tests)]:
                result = server.run("bin/james-cli", *command)
                if result.returncode != 0:
                    sys.exit(f"james-cli {command[0]} {command[1]} failed:\n{result.stdout}{result.stderr}")
            setup = time.monotonic() - began
            port = server.ports["imaps"]
            capabilities = server_capabilities(port)
            log = os.path.join(server.home, "log/james.log")
            results = run_all(binary, port, tests, capabilities, timeout, log, r" (ERROR|WARN) ")
            # Whatever else the run left: the whole log's ERROR/WARN count and other files in log/.
            extra = {"log folder": os.path.join(server.home, "log"),
                     "ERROR lines in james.log": len(new_lines(log, 0, r" ERROR ")),
                     "WARN lines in james.log": len(new_lines(log, 0, r" WARN ")),
                     "files in log/": sorted(os.listdir(os.path.join(server.home, "log")))}
        finally:
            server.stop()
            if not keep:
                server.remove()
        return {"results": results, "capabilities": capabilities, "setup secs": setup,
                "secs": time.monotonic() - began, "extra": extra}


def dovecot_results(binary, tests, timeout, keep):
    with cpu_lock():
        began = time.monotonic()
        dovecot = Dovecot(DOMAIN, local_parts(tests), PASSWORD)
        dovecot.start()
        try:
            wait_for_greeting(dovecot.imap_port)
            setup = time.monotonic() - began
            capabilities = server_capabilities(dovecot.imaps_port)
            log = os.path.join(dovecot.dir, "dovecot.log")
            results = run_all(binary, dovecot.imaps_port, tests, capabilities, timeout, log,
                              r"(Error|Panic|Fatal):")
            extra = {"log folder": dovecot.dir}
        finally:
            dovecot.stop()
            if not keep:
                dovecot.remove()
        return {"results": results, "capabilities": capabilities, "setup secs": setup,
                "secs": time.monotonic() - began, "extra": extra}


def cell(outcome):
    if outcome is None:
        return "-"
    if outcome["result"] == "skipped":
        return f"skipped({outcome['reason']})"
    return outcome["result"]


def md(text):
    return text.replace("|", "\\|")


def report(systems, tests, options):
    names = [test["name"] for test in tests]
    out = [f"# imaptest scripted compliance tests, {datetime.date.today()}", "",
           f"Tests: {os.path.join(os.path.abspath(options.imaptest), 'src', 'tests')} ({len(names)} files), "
           f"one imaptest run per file (test=<file>), fresh user per file, IMAPS on loopback, "
           f"at most {options.timeout} s per file.", ""]
    for system, run in systems.items():
        out.append(f"- {system}: {run['secs']:.0f} s in all ({run['setup secs']:.0f} s start and users); "
                   f"CAPABILITY after login: {' '.join(run['capabilities'])}")
    out.append("")
    header_cells = " | ".join(systems)
    out.append(f"| test | {header_cells} | first failure; imaptest's complaints about passed files; log lines |")
    out.append("|---" * (len(systems) + 2) + "|")
    for name in names:
        cells = [cell(run["results"].get(name)) for run in systems.values()]
        reasons = []
        for system, run in systems.items():
            r = run["results"].get(name)
            if r is None:
                continue
            if r["result"] == "fail":
                reasons.append(f"{system.split()[0]}: {r['reason']}")
            elif r["notes"]:
                reasons.append(f"{system.split()[0]} ({r['result']}): {r['notes']}")
            if r["log"]:
                kinds = [re.search(r" (ERROR|WARN|Error|Panic|Fatal)[: ]", line.split(" / ")[0]).group(1)
                         for line in r["log"]]
                reasons.append(f"{system.split()[0]} log: " + ", ".join(f"{kinds.count(k)} {k}" for k in sorted(set(kinds)))
                               + f" ({clip(r['log'][0].split(' / ', 1)[-1], 80)})")
        out.append(f"| {name} | " + " | ".join(cells) + " | " + md("<br>".join(reasons)) + " |")
    out.append("")
    out.append("| | passed | failed | skipped |")
    out.append("|---|---|---|---|")
    for system, run in systems.items():
        counts = [sum(1 for r in run["results"].values() if r["result"] == kind) for kind in ("pass", "fail", "skipped")]
        out.append(f"| {system} | " + " | ".join(map(str, counts)) + " |")
    out.append("")
    mailhaven = systems.get("Mailhaven")
    peer = next((run for system, run in systems.items() if system != "Mailhaven"), None)
    if mailhaven and peer:
        todo = [name for name in names if peer["results"][name]["result"] == "pass"
                and mailhaven["results"][name]["result"] == "fail"]
        out.append(f"## Passes on Dovecot but fails on Mailhaven ({len(todo)})")
        out.append("")
        out += [f"- {name}: {mailhaven['results'][name]['reason']}" for name in todo] or ["(none)"]
        out.append("")
        both = [name for name in names if peer["results"][name]["result"] == "fail"
                and mailhaven["results"][name]["result"] == "fail"]
        better = [name for name in names if mailhaven["results"][name]["result"] == "pass"
                  and peer["results"][name]["result"] != "pass"]
        skipped = [f"{name} ({mailhaven['results'][name]['reason']})" for name in names
                   if mailhaven["results"][name]["result"] == "skipped" and peer["results"][name]["result"] != "skipped"]
        out.append(f"Fail on both: {', '.join(both) or '(none)'}")
        out.append(f"Pass on Mailhaven, not on Dovecot: {', '.join(better) or '(none)'}")
        out.append(f"Skipped on Mailhaven only (capability not announced): {', '.join(skipped) or '(none)'}")
        out.append("")
    summary = list(out)
    out.append("## Details")
    for system, run in systems.items():
        out.append("")
        out.append(f"### {system}")
        slow = [f"{name} {r['secs']:.1f} s" for name, r in run["results"].items() if r["secs"] > 5]
        out.append(f"Files taking over 5 s: {', '.join(slow) or '(none)'}")
        for key, value in run["extra"].items():
            out.append(f"{key}: {value}")
        for name in names:
            r = run["results"].get(name)
            if r is None or (r["result"] != "fail" and not r["log"] and not r["detail"]):
                continue
            out.append("")
            out.append(f"#### {name}: {cell(r)} ({r['secs']:.1f} s)")
            if r["detail"]:
                out.append("```")
                out += r["detail"]
                out.append("```")
            if r["log"]:
                out.append(f"{len(r['log'])} log line(s) during the file, first:")
                out.append("```")
                out += [clip(line, 400) for line in r["log"][:3]]
                out.append("```")
    return "\n".join(summary), "\n".join(out)


def main():
    global LOCK
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--imaptest", required=True, help="imaptest source checkout")
    parser.add_argument("--build", default="/var/tmp/imaptest-build")
    parser.add_argument("--tests", help="comma-separated names of test files to run (default: all)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds one test file may take")
    parser.add_argument("--only", choices=["mailhaven", "peer"])
    parser.add_argument("--output", default="benchmark-imaptest-compliance.md")
    parser.add_argument("--archive", default=default_archive())
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--lock", default=LOCK, help="file whose flock the heavy steps hold")
    options = parser.parse_args()
    LOCK = os.path.abspath(options.lock)
    if os.geteuid() != 0:
        sys.exit("needs root: apt-get and a private Dovecot")
    folder = os.path.join(os.path.abspath(options.imaptest), "src", "tests")
    tests = plan(folder, test_files(folder, options.tests.split(",") if options.tests else None))
    ensure_packages()
    with cpu_lock():  # at once when imaptest is built already
        binary = build(os.path.abspath(options.imaptest), options.build)

    systems = {}
    if options.only != "peer":
        print("Mailhaven:", file=sys.stderr)
        systems["Mailhaven"] = mailhaven_results(options.archive, binary, tests, options.timeout, options.keep)
    if options.only != "mailhaven":
        name = f"Dovecot {package_version('dovecot-imapd')}"
        print(f"{name}:", file=sys.stderr)
        systems[name] = dovecot_results(binary, tests, options.timeout, options.keep)

    summary, full = report(systems, tests, options)
    print(summary)
    with open(options.output, "w") as f:
        f.write(full + "\n")


if __name__ == "__main__":
    main()
