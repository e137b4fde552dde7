from . import portal
from . import archive
