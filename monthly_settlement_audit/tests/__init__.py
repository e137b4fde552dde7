from . import test_confirmation_letters_http
