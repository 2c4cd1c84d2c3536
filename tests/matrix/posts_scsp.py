"""POST entries for the partnership core: signing in and out, passwords, learning themes.

The sign-in and password pages are the account engineers' (second factor, lock-out, reset);
their entries say only what the walk needs: who may post, and what may change."""

from scsp.permissions import Ability
from tests.factories import PASSWORD
from tests.matrix import PERSONAS
from tests.matrix.posting import Post

SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")
NEW_PASSWORD = "a much longer passphrase 2027"


def _signed_in_as(email):
    def check(world, user, response):
        from django.contrib.auth import get_user

        assert response["Location"] != "/accounts/sign-in/"
        assert get_user(response.wsgi_request).email == email
    return check


POSTS = [
    Post("scsp:login", allowed=("anonymous",),
         data=lambda w, u: {"username": "officer@wmp.test", "password": PASSWORD},
         writes={"scsp.User": "last_login"}, check=_signed_in_as("officer@wmp.test"),
         note="signed-in people are sent on to their home page (302) and nothing changes"),
    Post("scsp:logout", allowed=SIGNED_IN, form=False, changes=(),
         note="only the session ends (sessions are not compared)"),
    Post("scsp:password_change", allowed=SIGNED_IN,
         data=lambda w, u: {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                            "new_password2": NEW_PASSWORD},
         writes={"scsp.User": "password", "scsp.Reminder": "+"},
         note="the person is e-mailed that their password changed (an outbox notice)"),
    Post("scsp:password_reset", allowed=("anonymous", *SIGNED_IN),
         data=lambda w, u: {"email": "officer@wmp.test"}, changes=(),
         note="sends a link by e-mail; reset links are signed, nothing is stored"),
    Post("scsp:password_reset_confirm", read_only=True,
         kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
         note="an invalid link: the 'link has expired' page, whatever is posted"),
    Post("scsp:theme_create", ability=Ability.MANAGE_DIRECTORY,
         allowed=("coordinator",),
         data=lambda w, u: {"name": "Fathers and male carers",
                            "description": "Seeing the men in a child's life."},
         writes={"scsp.Theme": "+"}),
    Post("scsp:theme_update", ability=Ability.MANAGE_DIRECTORY,
         allowed=("coordinator",), kwargs=lambda w: {"pk": w["theme"].pk},
         data=lambda w, u: {"description": "Neglect, including chronic neglect."},
         writes={"scsp.Theme": "description"}),
    Post("scsp:session", allowed=SIGNED_IN, form=False, changes=(), ok=200,
         denied={"anonymous": 200},
         note="'Stay signed in': only the session's idle clock restarts (JSON answer)"),
    Post("scsp:healthz", read_only=True),
    Post("scsp:accessibility", read_only=True),
]
