"""The language of the pages: a signed-in person's own (`User.language`, set with the
switcher or in "Mon compte"), over the cookie and the browser's that LocaleMiddleware read."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from accounts.services import user_set_language


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: the account's language wins for signed-in people, so
    that the pages follow them from one browser to another."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
            if language != getattr(request, "LANGUAGE_CODE", None):
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="accounts.language_chosen_before_login")
def keep_language_chosen_before_login(sender, request, user, **kwargs):
    """A language chosen with the switcher before signing in (its cookie) is the person's
    latest explicit choice: it becomes the account's."""
    if request is None:
        return
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in {code for code, _name in settings.LANGUAGES} and chosen != user.language:
        user_set_language(user=user, language=chosen)
