from . import (
    test_due_dates,
    test_generation,
    test_partner_terms,
    test_settlement_calendar,
    test_statement_figures,
    test_workflow,
)
