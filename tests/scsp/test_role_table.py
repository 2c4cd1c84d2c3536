"""The role table is the one statement of who may take which step, and the README shows
exactly it (SECURITY.md check 21: "generated from the same table the docs publish")."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

import scsp
from scsp.permissions import (
    ROLE_COLUMNS,
    ROLE_TABLE,
    SCOPE_NOTES,
    Ability,
    role_table_markdown,
)
from scsp.roles import Role

README = Path(scsp.__file__).resolve().parent.parent / "README.md"
START, END = "<!-- role-table:start -->\n", "<!-- role-table:end -->"


def readme_table() -> str:
    text = README.read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1, "the README's role-table markers"
    return text[text.index(START) + len(START):text.index(END)]


def test_the_readme_holds_exactly_the_role_table():
    assert readme_table() == role_table_markdown(), (
        "README.md's 'Who sees what' differs from scsp.permissions.ROLE_TABLE: run "
        "`python manage.py role_table` and paste its output between the role-table markers.")


def test_the_command_prints_it():
    out = StringIO()
    call_command("role_table", stdout=out)
    assert out.getvalue() == role_table_markdown()


def test_the_rendering_reads_the_table_cell_by_cell():
    lines = role_table_markdown().splitlines()
    assert lines[0] == ("| Step | Co-ordinator | Chair | Scrutineer | Agency lead | "
                        "Agency officer |")
    rows = {line.split(" | ")[0].removeprefix("| "): line for line in lines[2:]}
    assert len(rows) == len(Ability)
    signing_off = rows[str(Ability.SIGN_OFF_ACTIONS.label)]
    assert signing_off.count("yes (none they led, updated or completed)") == 2
    assert signing_off.endswith("| no | no | no |")
    assert rows[str(Ability.MANAGE_AUDITS.label)] .endswith("| yes | no | no | no | no |")
    assert rows[str(Ability.WRITE_COMMENTARY.label)].endswith("| no | yes | no | no | no |")


def test_every_ability_has_a_row_and_every_role_a_column():
    assert set(ROLE_TABLE) == set(Ability)
    assert {role for role, _name in ROLE_COLUMNS} == set(Role)
    for ability, roles in ROLE_TABLE.items():
        assert roles <= set(Role), ability


def test_a_scope_note_narrows_only_a_step_the_role_has():
    for (ability, role), note in SCOPE_NOTES.items():
        assert role in ROLE_TABLE[ability], (ability, role)
        assert note and not re.search(r"[|\n]", note), (ability, role)


def test_the_chair_signs_off_but_does_not_manage_audits():
    """Decisions of issue 13, stated here so a change to them is deliberate."""
    assert Role.CHAIR in ROLE_TABLE[Ability.SIGN_OFF_ACTIONS]
    assert Role.CHAIR not in ROLE_TABLE[Ability.DECIDE_ACTIONS]
    assert ROLE_TABLE[Ability.MANAGE_AUDITS] == {Role.COORDINATOR}
