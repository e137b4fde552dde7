from . import test_delivery_statement_stock
