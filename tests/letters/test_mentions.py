"""A letter missing a mandatory mention is void: Vigie refuses to issue it, naming the
mention; every kind composed on a case at its step has all of them."""

from __future__ import annotations

import pytest

from models.letter import LetterKind
from tests.letters.cases import FUND, case_for, command, issued, named, record
from tests.workflows.test_procedure_table import NOW, ROLE, TODAY
from vigie.letters.compose import compose
from vigie.letters.mentions import MissingMentionsError, check, required
from vigie.letters.render import render_html
from workflows.procedure import InvalidAction, decide

PAIRS = [(kind, m.key) for kind in LetterKind for m in required(kind)]


def test_a_notification_to_pay_without_the_appeal_routes_cannot_be_issued() -> None:
    mentions = compose(LetterKind.PAYMENT_NOTICE, case_for(LetterKind.PAYMENT_NOTICE), FUND, TODAY)
    del mentions["voies_recours"]
    with pytest.raises(MissingMentionsError) as refused:
        render_html(LetterKind.PAYMENT_NOTICE, mentions)
    assert refused.value.missing == ["voies_recours"]
    assert "voies_recours (les voies et délais de recours)" in str(refused.value)
    assert refused.value.http_status == 422 and refused.value.exit_code == 2


@pytest.mark.parametrize(("kind", "key"), PAIRS, ids=[f"{k.value}-{m}" for k, m in PAIRS])
def test_every_mandatory_mention_left_blank_refuses_the_letter(kind: LetterKind, key: str) -> None:
    mentions = compose(kind, case_for(kind), FUND, TODAY)
    check(kind, mentions)  # complete: accepted
    mentions[key] = "  "
    with pytest.raises(MissingMentionsError) as refused:
        check(kind, mentions)
    assert refused.value.missing == [key]


def test_a_notification_to_a_professional_states_the_right_to_present_observations() -> None:
    mentions = compose(LetterKind.PAYMENT_NOTICE, case_for(LetterKind.PAYMENT_NOTICE), FUND, TODAY)
    assert "présenter vos observations" in mentions["droit_observations"]
    assert mentions["delai_paiement"] == "2 mois"  # from the policy record
    assert FUND.cra_address == mentions["adresse_cra"]


def test_a_case_whose_target_has_no_name_gives_no_addressee_and_no_letter() -> None:
    state = case_for(LetterKind.GRIEVANCES)
    anonymous = state.model_copy(
        update={"target": state.target.model_copy(update={"display_name": None})}
    )
    mentions = compose(LetterKind.GRIEVANCES, anonymous, FUND, TODAY)
    with pytest.raises(MissingMentionsError) as refused:
        render_html(LetterKind.GRIEVANCES, mentions)
    assert refused.value.missing == ["destinataire"]
    assert named(anonymous).target.display_name  # the same case, named, is accepted


@pytest.mark.parametrize("kind", list(LetterKind), ids=lambda k: k.value)
def test_each_kind_is_issued_at_its_step_and_kept_on_the_case(kind: LetterKind) -> None:
    state, letter = issued(kind)
    kept = state.letters[letter.id]
    assert (kept.kind, kept.content_hash, kept.issued_on) == (kind, letter.content_hash, TODAY)
    assert state.timeline[-1].summary.startswith(f"{kind.value} letter {letter.id} issued")


def test_a_letter_is_refused_before_its_step() -> None:
    state = case_for(LetterKind.PAYMENT_NOTICE)  # nothing notified yet: no formal notice
    letter = record(LetterKind.PAYMENT_NOTICE, state).model_copy(
        update={"kind": LetterKind.FORMAL_NOTICE}
    )
    with pytest.raises(InvalidAction) as refused:
        decide(state, command("issue_letter", {"letter": letter}), NOW, ROLE)
    assert refused.value.rule == "letter_not_due"


def test_a_letter_whose_content_does_not_match_its_hash_is_refused() -> None:
    state = case_for(LetterKind.GRIEVANCES)
    letter = record(LetterKind.GRIEVANCES, state)
    altered = letter.model_copy(update={"html": letter.html.replace("1 mois", "2 mois")})
    with pytest.raises(InvalidAction) as refused:
        decide(state, command("issue_letter", {"letter": altered}), NOW, ROLE)
    assert refused.value.rule == "letter_altered"
