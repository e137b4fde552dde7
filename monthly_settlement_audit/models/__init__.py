from . import monthly_settlement_audit_sample
from . import monthly_settlement_statement_access
