"""Sends every message file of a corpus to the server with smtplib, reads the mailbox back with
imaplib (BODY.PEEK[], the bytes as stored) and tells, for each message accepted with 250, whether
the stored message is the sent one with only trace fields on top. Optionally checks the archive's
copies the same way. Writes the counts and the files that differ to the result file (JSON).

With "fetch": false in the job it only sends (the caller checks where the messages went).

Usage: corpus_roundtrip.py job.json result.json
"""
import glob
import hashlib
import imaplib
import json
import os
import re
import smtplib
import ssl
import sys
import time

TRACE = {b"return-path", b"delivered-to", b"received", b"x-spam-score", b"x-spam-status", b"x-spam-flag",
         b"x-spam-unchecked", b"authentication-results"}


def normalised(raw):
    """The bytes smtplib sends: every line ending CRLF (it rewrites bare CR and LF), a final CRLF."""
    data = re.sub(rb"\r\n|\r|\n", b"\r\n", raw)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def field_starts(message):
    """(offset, lower-case name or None) of each header field from the top, up to the empty line."""
    position = 0
    while position < len(message):
        end = message.find(b"\r\n", position)
        if end <= position:
            return
        line = message[position:end]
        yield position, line.split(b":", 1)[0].strip().lower() if b":" in line else None
        position = end + 2
        while message[position:position + 1] in (b" ", b"\t"):
            position = message.find(b"\r\n", position) + 2


def without(message, names):
    """The message with the header fields named in names (lower case, bytes) taken out."""
    kept, position = [], 0
    for offset, name in list(field_starts(message)) + [(None, None)]:
        if offset is None:
            end = message.find(b"\r\n\r\n")
            offset = end + 2 if end >= 0 else len(message)
        if position < offset:
            kept.append((current, message[position:offset]))
        position, current = offset, name
    body = message[position:]
    return b"".join(part for name, part in kept if name not in names) + body


def original(stored, sent, added=()):
    """The sent file whose bytes the stored message ends with, after trace fields (and the
    fields named in added) only; or None."""
    for offset, name in field_starts(stored):
        digest = hashlib.sha256(stored[offset:]).hexdigest()
        if digest in sent:
            return sent[digest]
        if name not in TRACE and name not in added:
            return None
    return None


def main():
    job = json.load(open(sys.argv[1]))
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    sent, refused, accepted = {}, [], 0
    # On submission the server takes out Bcc fields (RFC 5322 3.6.3).
    removed = {name.lower().encode() for name in job.get("removed", [])}
    for path in job["files"]:
        data = normalised(open(path, "rb").read())
        try:
            smtp = smtplib.SMTP(job["host"], job["smtp_port"], local_hostname="client.corpus.test", timeout=120)
            try:
                if job.get("user"):
                    smtp.starttls(context=context)
                    smtp.login(job["user"], job["password"])
                smtp.sendmail(job["sender"], [job["recipient"]], data)
            finally:
                smtp.quit()
            sent[hashlib.sha256(without(data, removed) if removed else data).hexdigest()] = os.path.basename(path)
            accepted += 1
        except smtplib.SMTPException as e:
            refused.append(f"{os.path.basename(path)}: {e}")
    if not job.get("fetch", True):
        json.dump({"sent": len(job["files"]), "accepted": accepted, "refused": refused}, open(sys.argv[2], "w"), indent=1)
        return
    imap = None
    stored = []
    deadline = time.monotonic() + job.get("timeout", 120)
    while True:
        imap = imaplib.IMAP4(job["host"], job["imap_port"])
        imap.starttls(ssl_context=context)
        imap.login(job["reader"], job["reader_password"])
        imap.select("INBOX", readonly=True)
        numbers = imap.search(None, "ALL")[1][0].split()
        if len(numbers) >= accepted or time.monotonic() > deadline:
            for number in numbers:
                stored.append(imap.fetch(number, "(BODY.PEEK[])")[1][0][1])
            break
        imap.logout()
        time.sleep(1)
    try:
        imap.logout()
    except (imaplib.IMAP4.abort, OSError):
        pass
    # On submission the server adds Message-ID and Date when the user's message lacks them.
    added = {name.lower().encode() for name in job.get("added", [])}
    identical = {original(message, sent, added) for message in stored} - {None}
    # Some files of the corpora are the same message: "distinct" counts different contents.
    result = {"sent": len(job["files"]), "accepted": accepted, "refused": refused, "distinct": len(sent),
              "delivered": len(stored), "identical": len(identical), "differ": sorted(set(sent.values()) - identical)}
    if job.get("archive"):
        archived = [open(path, "rb").read() for path in glob.glob(os.path.join(job["archive"], "**", "message.eml"),
                                                                  recursive=True)]
        same = {original(message, sent, added) for message in archived} - {None}
        result["archive_identical"] = len(same)
        result["archive_differ"] = sorted(set(sent.values()) - same)
    json.dump(result, open(sys.argv[2], "w"), indent=1)


if __name__ == "__main__":
    main()
