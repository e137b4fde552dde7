from . import test_audit_sampling_http
from . import test_portal_access_log_http
from . import test_audit_pack
from . import test_confirmation_letters_http
from . import test_letter_archive
