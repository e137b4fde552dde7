from . import portal
from . import confirmation_letter_portal
