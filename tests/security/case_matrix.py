"""The expected permission matrix of a case: role x state x action.

This is the specification, written by hand and reviewed as such; the
implementation lives in cpms.cases.workflow_definitions (the workflow tables) and
the tests check one against the other, through the Python API and over HTTP.

The table names roles, states and actions literally, not through
cpms.core.roles or cpms.cases.states: it is an independent statement, read
and reviewed as text, and it must not follow a constant that changes.

The table names roles, states and actions literally, not through
cpms.core.roles or cpms.cases.states: it is an independent statement, read
and reviewed as text, and it must not follow a constant that changes.

``x`` = allowed, ``.`` = refused. Columns (who):

  anon    anonymous visitor
  member  logged in, no authorisation (only the Member role)
  hp      healthcare professional who is not on this case
  owner   the enrolling clinician (Owner of the case)
  lead    the case's Panel Lead            pmem   a Panel Member of the case
  guest   a Guest Clinician on the case    coord  a Coordinator (site-wide)
  help    Helpdesk (site-wide)             editor network staff (Editor+Reviewer)

Decisions the table records:
- Only the people a case names and the coordinators see it; Helpdesk sees no
  clinical content (it helps with access, which needs no case data), nor do
  network staff (Editor/Reviewer).
- A withdrawn case (the care consent was withdrawn) is seen only by its
  enrolling clinician and the coordinators; nothing can be changed in it.
- The clinician edits the case while it is a draft; during the discussion
  the panel lead curates it (codes, summary); otherwise it is read-only.
- A referred case has a guest clinician (the outside clinician whose
  referral was accepted) and no enrolling clinician: while it is a draft, the
  guest completes it as the clinician would (edits it, records the consent,
  uploads files, answers a request for information, submits it). Withdrawing
  it stays with the enrolling clinician and the coordinators.
- Contributions: clinician, lead, members and guests, only in discussion.
- Only the panel lead signs the outcome report, only in discussion.
"""

ROLES = (
    "anon",
    "member",
    "hp",
    "owner",
    "lead",
    "pmem",
    "guest",
    "coord",
    "help",
    "editor",
)
STATES = ("draft", "submitted", "in_discussion", "closed", "archived", "withdrawn")
TRANSITIONS = (
    "submit",
    "open_panel",
    "request_info",
    "close",
    "archive",
    "withdraw",
    "reopen",
)
ACTIONS = (
    "view_case",
    "view_items",
    "view_report",
    "edit",
    "add_contribution",
    *TRANSITIONS,
    "sign_report",
)

TABLE = """
state: draft
                  anon member hp owner lead pmem guest coord help editor
view_case          .    .     .   x     x    x    x     x     .    .
view_items         .    .     .   x     x    x    x     x     .    .
view_report        .    .     .   x     x    x    x     x     .    .
edit               .    .     .   x     .    .    x     .     .    .
add_contribution   .    .     .   .     .    .    .     .     .    .
submit             .    .     .   x     .    .    x     .     .    .
open_panel         .    .     .   .     .    .    .     .     .    .
request_info       .    .     .   .     .    .    .     .     .    .
close              .    .     .   .     .    .    .     .     .    .
archive            .    .     .   .     .    .    .     .     .    .
withdraw           .    .     .   x     .    .    .     x     .    .
reopen             .    .     .   .     .    .    .     .     .    .
sign_report        .    .     .   .     .    .    .     .     .    .

state: submitted
                  anon member hp owner lead pmem guest coord help editor
view_case          .    .     .   x     x    x    x     x     .    .
view_items         .    .     .   x     x    x    x     x     .    .
view_report        .    .     .   x     x    x    x     x     .    .
edit               .    .     .   .     .    .    .     .     .    .
add_contribution   .    .     .   .     .    .    .     .     .    .
submit             .    .     .   .     .    .    .     .     .    .
open_panel         .    .     .   .     .    .    .     x     .    .
request_info       .    .     .   .     .    .    .     x     .    .
close              .    .     .   .     .    .    .     .     .    .
archive            .    .     .   .     .    .    .     .     .    .
withdraw           .    .     .   x     .    .    .     x     .    .
reopen             .    .     .   .     .    .    .     .     .    .
sign_report        .    .     .   .     .    .    .     .     .    .

state: in_discussion
                  anon member hp owner lead pmem guest coord help editor
view_case          .    .     .   x     x    x    x     x     .    .
view_items         .    .     .   x     x    x    x     x     .    .
view_report        .    .     .   x     x    x    x     x     .    .
edit               .    .     .   .     x    .    .     .     .    .
add_contribution   .    .     .   x     x    x    x     .     .    .
submit             .    .     .   .     .    .    .     .     .    .
open_panel         .    .     .   .     .    .    .     .     .    .
request_info       .    .     .   .     x    .    .     x     .    .
close              .    .     .   .     x    .    .     x     .    .
archive            .    .     .   .     .    .    .     .     .    .
withdraw           .    .     .   x     .    .    .     x     .    .
reopen             .    .     .   .     .    .    .     .     .    .
sign_report        .    .     .   .     x    .    .     .     .    .

state: closed
                  anon member hp owner lead pmem guest coord help editor
view_case          .    .     .   x     x    x    x     x     .    .
view_items         .    .     .   x     x    x    x     x     .    .
view_report        .    .     .   x     x    x    x     x     .    .
edit               .    .     .   .     .    .    .     .     .    .
add_contribution   .    .     .   .     .    .    .     .     .    .
submit             .    .     .   .     .    .    .     .     .    .
open_panel         .    .     .   .     .    .    .     .     .    .
request_info       .    .     .   .     .    .    .     .     .    .
close              .    .     .   .     .    .    .     .     .    .
archive            .    .     .   .     .    .    .     x     .    .
withdraw           .    .     .   .     .    .    .     .     .    .
reopen             .    .     .   .     .    .    .     x     .    .
sign_report        .    .     .   .     .    .    .     .     .    .

state: archived
                  anon member hp owner lead pmem guest coord help editor
view_case          .    .     .   x     x    x    x     x     .    .
view_items         .    .     .   x     x    x    x     x     .    .
view_report        .    .     .   x     x    x    x     x     .    .
edit               .    .     .   .     .    .    .     .     .    .
add_contribution   .    .     .   .     .    .    .     .     .    .
submit             .    .     .   .     .    .    .     .     .    .
open_panel         .    .     .   .     .    .    .     .     .    .
request_info       .    .     .   .     .    .    .     .     .    .
close              .    .     .   .     .    .    .     .     .    .
archive            .    .     .   .     .    .    .     .     .    .
withdraw           .    .     .   .     .    .    .     .     .    .
reopen             .    .     .   .     .    .    .     .     .    .
sign_report        .    .     .   .     .    .    .     .     .    .

state: withdrawn
                  anon member hp owner lead pmem guest coord help editor
view_case          .    .     .   x     .    .    .     x     .    .
view_items         .    .     .   x     .    .    .     x     .    .
view_report        .    .     .   x     .    .    .     x     .    .
edit               .    .     .   .     .    .    .     .     .    .
add_contribution   .    .     .   .     .    .    .     .     .    .
submit             .    .     .   .     .    .    .     .     .    .
open_panel         .    .     .   .     .    .    .     .     .    .
request_info       .    .     .   .     .    .    .     .     .    .
close              .    .     .   .     .    .    .     .     .    .
archive            .    .     .   .     .    .    .     .     .    .
withdraw           .    .     .   .     .    .    .     .     .    .
reopen             .    .     .   .     .    .    .     .     .    .
sign_report        .    .     .   .     .    .    .     .     .    .
"""


def parse(table: str = TABLE, actions=ACTIONS) -> dict[tuple[str, str, str], bool]:
    """{(role, state, action): allowed} for every cell; checks the table's shape."""
    expected = {}
    state = None
    for line in table.strip().splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == "state:":
            state = words[1]
            continue
        if tuple(words) == ROLES:
            continue
        action, marks = words[0], words[1:]
        assert action in actions and len(marks) == len(ROLES), line
        for role, mark in zip(ROLES, marks, strict=True):
            assert mark in "x.", line
            expected[(role, state, action)] = mark == "x"
    assert len(expected) == len(ROLES) * len(STATES) * len(actions)
    return expected


EXPECTED = parse()


def expected_for(state: str) -> dict[tuple[str, str], bool]:
    return {(r, a): v for (r, s, a), v in EXPECTED.items() if s == state}


# What a case holds besides the discussion: who may add its items.
#   add_consent  record a consent (a ConsentRecord)
#   add_file     upload a medical file (a MedicalFile)
# Decisions: the consent is recorded by the treating clinician (the enrolling
# clinician; the guest clinician while a referred case is a draft), also
# later while the case is open; files come from the treating clinician
# before the discussion and from everyone on the panel during it.
ITEM_ACTIONS = ("add_consent", "add_file")

ITEM_TABLE = """
state: draft
                  anon member hp owner lead pmem guest coord help editor
add_consent        .    .     .   x     .    .    x     .     .    .
add_file           .    .     .   x     .    .    x     .     .    .

state: submitted
                  anon member hp owner lead pmem guest coord help editor
add_consent        .    .     .   x     .    .    .     .     .    .
add_file           .    .     .   x     .    .    .     .     .    .

state: in_discussion
                  anon member hp owner lead pmem guest coord help editor
add_consent        .    .     .   x     .    .    .     .     .    .
add_file           .    .     .   x     x    x    x     .     .    .

state: closed
                  anon member hp owner lead pmem guest coord help editor
add_consent        .    .     .   .     .    .    .     .     .    .
add_file           .    .     .   .     .    .    .     .     .    .

state: archived
                  anon member hp owner lead pmem guest coord help editor
add_consent        .    .     .   .     .    .    .     .     .    .
add_file           .    .     .   .     .    .    .     .     .    .

state: withdrawn
                  anon member hp owner lead pmem guest coord help editor
add_consent        .    .     .   .     .    .    .     .     .    .
add_file           .    .     .   .     .    .    .     .     .    .
"""

ITEM_EXPECTED = parse(ITEM_TABLE, ITEM_ACTIONS)


def item_expected_for(state: str) -> dict[tuple[str, str], bool]:
    return {(r, a): v for (r, s, a), v in ITEM_EXPECTED.items() if s == state}
