from . import monthly_settlement_audit_pack
