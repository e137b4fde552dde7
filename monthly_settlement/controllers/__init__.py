from . import portal
from . import portal_ledger
from . import archive
from . import attachment
