"""Diagnosis programmes as data files: both seeds' programmes load, a broken file is refused
naming the file and the field, and each programme's rules refuse what breaks them (with a
message naming the figure or the person) and accept what holds."""

from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale

from blueprints.diagnosis import programmes
from blueprints.diagnosis.programmes import ProgrammeError
from blueprints.diagnosis.rules import (
    Done,
    Member,
    characters,
    close_problems,
    photo_flags,
    photo_problems,
    report_problems,
    team_problems,
    training_problems,
    visit_problems,
)
from models import EngineerTitle
from tests.unit.diagnosis import broken_copy

NMG = programmes.programme("nmg_offline")  # seed 002
CHANGCHUN = programmes.programme("changchun_pilot")  # seed 004
START = datetime(2026, 11, 30, 9, 0)


def member(name, *, lead=False, expert=False, title=EngineerTitle.NONE, pledged=True):
    return Member(name, lead=lead, expert=expert, title=title, pledged=pledged)


def team(size=3, *, lead_expert=True, engineers=1):
    """A lead and ``size - 1`` members, ``engineers`` of the members titled engineer."""
    lead = member("王组长", lead=True, expert=lead_expert)
    titles = [EngineerTitle.MID] * engineers + [EngineerTitle.ASSISTANT] * size
    return [lead, *(member(f"组员{i}", title=titles[i - 1]) for i in range(1, size))]


def test_both_seeds_programmes_load():
    assert set(programmes.load_all()) == {"nmg_offline", "changchun_pilot"}
    assert NMG.grading == ("indicators_24",) and CHANGCHUN.grading == ("sme_level_2024",)
    assert CHANGCHUN.report.min_characters == 15000 and CHANGCHUN.agreement.term_days == 30
    assert CHANGCHUN.visits.min_photos == 5
    assert set(CHANGCHUN.providers) == {"service_provider", "evaluation_body", "think_tank"}


@pytest.mark.parametrize("programme", [NMG, CHANGCHUN], ids=["nmg", "changchun"])
def test_a_team_of_two_is_refused_and_of_three_accepted(programme):
    assert team_problems(programme, team(2))[0].startswith("Members of the work group: 2;")
    assert team_problems(programme, team(3)) == []


@pytest.mark.parametrize("programme", [NMG, CHANGCHUN], ids=["nmg", "changchun"])
def test_the_lead_must_be_an_expert_and_be_the_only_lead(programme):
    assert team_problems(programme, team(lead_expert=False)) == [
        "The lead, 王组长, must be an expert with practical experience."
    ]
    two_leads = [*team(), member("李组长", lead=True, expert=True)]
    assert team_problems(programme, two_leads) == ["The work group needs exactly one lead."]


def test_changchun_wants_an_engineer_of_mid_level_or_higher_and_inner_mongolia_does_not():
    without = team(engineers=0)
    assert team_problems(NMG, without) == []
    (problem,) = team_problems(CHANGCHUN, without)
    assert problem.startswith("Members titled engineer (mid-level) or higher: 0;")


def test_every_member_signs_the_confidentiality_pledge():
    group = [*team(), member("赵六", pledged=False)]
    assert team_problems(NMG, group) == ["赵六 has not signed the confidentiality pledge."]


def test_a_two_hour_visit_is_refused_in_changchun_and_three_hours_accepted():
    assert "2.0 hours" in visit_problems(CHANGCHUN, START, START + timedelta(hours=2))[0]
    assert visit_problems(CHANGCHUN, START, START + timedelta(hours=3)) == []
    assert visit_problems(NMG, START, START + timedelta(hours=2)) == []  # no minimum
    assert visit_problems(NMG, START, START) == ["A visit ends after it starts."]


def test_a_training_shorter_than_two_hours_is_refused_in_changchun():
    assert training_problems(CHANGCHUN, START, START + timedelta(minutes=90))
    assert training_problems(CHANGCHUN, START, START + timedelta(hours=2)) == []
    assert training_problems(NMG, START, START + timedelta(minutes=30)) == []


def test_four_photos_are_refused_and_five_in_the_programme_categories_accepted():
    four = {"entering": 1, "leaving": 1, "office": 1, "production": 1}
    problems = photo_problems(CHANGCHUN, four)
    assert problems[0] == "Photos of the visit: 4; the programme asks for at least 5."
    assert problems[1].startswith("Training and interviews in the offices: photos taken 1,")
    assert photo_problems(CHANGCHUN, {**four, "office": 2}) == []
    # Five photos, but none leaving at the company logo.
    assert photo_problems(CHANGCHUN, {"entering": 1, "office": 3, "production": 1}) == [
        "Leaving, at the company logo: photos taken 0, at least 1 wanted."
    ]
    assert photo_problems(NMG, {}) == []


def test_a_photo_without_a_time_or_outside_the_visit_is_flagged(app_ctx):
    end = START + timedelta(hours=3)
    assert photo_flags(START + timedelta(hours=1), START, end) == []
    assert photo_flags(START, START, end) == [] and photo_flags(end, START, end) == []
    with force_locale("en"):
        assert photo_flags(None, START, end) == ["The photo carries no capture time."]
        (flag,) = photo_flags(START - timedelta(days=1), START, end)
        assert flag == (
            "Taken 29 Nov 2026, 09:00, outside the visit "
            "(30 Nov 2026, 09:00 to 30 Nov 2026, 12:00)."
        )


def test_a_report_of_14000_characters_is_refused_in_changchun_and_15000_accepted():
    # Blanks do not count: the seeds count characters (字数).
    short = "数字化诊断 " * 2800  # 14,000 characters and 2,800 blanks
    assert characters(short) == 14000
    assert report_problems(CHANGCHUN, short) == [
        "The report has 14,000 characters; the programme asks for at least 15,000."
    ]
    assert report_problems(CHANGCHUN, short + "诊" * 1000) == []
    assert report_problems(NMG, "短报告") == []


def test_an_engagement_closes_only_with_what_the_programme_asks_for():
    assert close_problems(NMG, Done(on_site_days=1, visits=1, trainings=1, reports_to_head=1)) == []
    problems = close_problems(NMG, Done(on_site_days=0, visits=1, trainings=0, reports_to_head=1))
    assert problems == [
        "Days on site recorded: 0; the programme asks for at least 1.",
        "Trainings recorded: 0; the programme asks for at least 1.",
    ]
    assert close_problems(CHANGCHUN, Done(0, 1, 1, 1)) == []  # no full day asked


def test_the_problems_are_in_the_readers_language(app_ctx):
    with force_locale("zh"):
        (problem,) = team_problems(CHANGCHUN, team(engineers=0))
        assert "中级" in problem
        assert photo_problems(CHANGCHUN, {"entering": 1, "office": 3, "production": 1}) == [
            "离场时在企业门口（LOGO前）：已拍 0 张，至少需要 1 张。"
        ]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["team"].update(min_members=0), "team.min_members"),
        (lambda d: d["team"].update(min_mid_level_engineers=4), "team.min_mid_level_engineers"),
        (lambda d: d["visits"].update(min_visit_hours=25), "visits.min_visit_hours"),
        (lambda d: d["visits"]["photos"][0].update(at_least=0), "visits.photos[0].at_least"),
        (lambda d: d["visits"]["photos"][1].update(key="entering"), "visits.photos"),
        (lambda d: d.update(providers=["consultancy"]), "providers[0]"),
        (lambda d: d.update(grading=["sme_level_2030"]), "grading[0]"),
        (lambda d: d["report"].update(min_words=15000), "report.min_words"),
        (lambda d: d.update(id="changchun"), "id"),
    ],
)
def test_a_broken_programme_is_refused_naming_the_file_and_the_field(tmp_path, change, where):
    with pytest.raises(ProgrammeError) as refused:
        programmes.load_programme(
            broken_copy(programmes.PROGRAMME_DIR / "changchun_pilot.yaml", tmp_path, change)
        )
    assert str(refused.value).startswith("changchun_pilot.yaml: ")
    assert any(path.startswith(where) for path, _message in refused.value.problems), str(
        refused.value
    )
