"""The language of the pages: a signed-in person's own (`User.language`, set with the
switcher or in "Mon compte"), over the cookie and the browser's that LocaleMiddleware read."""

from django.utils import translation


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
