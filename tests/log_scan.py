"""The log scan: every log record of the test run, rendered as hsbp's JSON lines are but
without the redaction filter (so it sees what the code really logs), is searched at the end
of the run for phone numbers, e-mail addresses and known sensitive values ("canaries": keys,
tokens, passwords, the demo's participants, bodies tests register). A finding fails the run.

Loggers are set as production's JSON logging sets them (hsbp.logs.quiet_libraries, at
INFO; hsbp's own at DEBUG): the scan reads what production would write. So the development
server's access lines (werkzeug: whole paths, in browser tests and from the fake Twilio) and
the twilio client's request lines (a listing's query names a phone number) are not written,
here as there. E-mails written by HSBP_MAIL_LOG are no exclusion either: the JSON formatter
itself withholds them, as in production. Nothing else is left out.
"""

from __future__ import annotations

import functools
import json
import logging
import re

from hsbp.logs import EMAIL, PHONE, ContextFilter, JsonFormatter, quiet_libraries

_canaries: set[str] = set()


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[tuple[str, str]] = []
        self.addFilter(ContextFilter())
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append((record.name, self.format(record)))
        except Exception:
            self.handleError(record)


_capture = _Capture()
_findings: list[str] = []


def canary(*values: str) -> None:
    """Make the scan fail the run if any of `values` reaches a log line (as written, and as
    a JSON string escapes it)."""
    for value in values:
        if value and len(value.strip()) >= 4:
            _canaries.add(value)
            _canaries.add(json.dumps(value, ensure_ascii=False)[1:-1])


def demo_canaries() -> list[str]:
    """The demo's participants (names and phones, as typed and in E.164), its sign-ins."""
    from hsbp.demo import DEMO_LOGINS, DEMO_PASSWORD
    from hsbp.mapping.demo import PARTICIPANTS
    from hsbp.phones import e164

    found = [DEMO_PASSWORD, *(email for _role, email, _password in DEMO_LOGINS)]
    for row in PARTICIPANTS:
        name, phone = row[0], row[7]
        found += [name, phone, (e164(phone, region="CO") or f"+57{phone}") if phone else ""]
    return [value for value in found if value]


def start(*canaries: str) -> None:
    """Capture every record from now on, at production's levels (hsbp's own: all)."""
    root = logging.getLogger()
    root.addHandler(_capture)
    root.setLevel(logging.INFO)
    quiet_libraries(logging.INFO, "json")
    logging.getLogger("hsbp").setLevel(logging.DEBUG)
    canary(*canaries, *demo_canaries())


def mark() -> int:
    """A place in the captured lines, for `lines_since`."""
    return len(_capture.lines)


def lines_since(place: int) -> list[dict]:
    """The lines captured since `place`, as JSON objects."""
    return [json.loads(line) for _name, line in _capture.lines[place:]]


def problems(line: str) -> list[str]:
    found = []
    if PHONE.search(line):
        found.append("a phone number")
    if EMAIL.search(line):
        found.append("an e-mail address")
    if _canary_pattern(frozenset(_canaries)).search(line):
        found.append("a sensitive value")
    return found


@functools.lru_cache(maxsize=4)
def _canary_pattern(values: frozenset[str]) -> re.Pattern:
    # One pattern for all of them: a whole run's lines are searched in a second or two.
    return re.compile("|".join(map(re.escape, sorted(values, key=len, reverse=True))) or "(?!)")


def finish(session) -> None:
    """Scan what was captured; on a finding, the run fails."""
    logging.getLogger().removeHandler(_capture)
    for name, line in _capture.lines:
        found = problems(line)
        if found:
            _findings.append(f"{name}: {' and '.join(found)}: {line}")
    if _findings and session.exitstatus == 0:
        session.exitstatus = 1


def report(terminal) -> None:
    if not _findings:
        return
    terminal.section("personal data in the logs", sep="=", red=True, bold=True)
    for finding in _findings:
        terminal.write_line(finding)
    terminal.write_line(f"{len(_findings)} log line(s) with personal data: the run fails.")
